/**
 * Stand-in services for the proxy tests. An auxiliary worker (`test/fixtures/stand-in-services.ts`)
 * receives every outbound fetch of the worker under test (miniflare `outboundService`) and
 * plays the AppView, the chat service, a labeler, a PLC directory and a few broken hosts.
 */
export const STAND_IN = {
  appView: { did: 'did:web:appview.test', service: '#bsky_appview', url: 'https://appview.test' },
  chat: { did: 'did:web:chat.test', service: '#bsky_chat', url: 'https://chat.test' },
  /** A notification service (`#bsky_notif`), the target of registerPush. */
  notif: { did: 'did:web:notif.test', service: '#bsky_notif', url: 'https://notif.test' },
  labeler: { did: 'did:web:labeler.test', service: '#atproto_labeler', url: 'https://labeler.test' },
  /** A did:plc served by the stand-in PLC directory, with an `#atproto_labeler` at plc-labeler.test. */
  plcService: {
    did: 'did:plc:standinplcservicexxxxxxx',
    service: '#atproto_labeler',
    url: 'https://plc-labeler.test',
  },
  plcUrl: 'https://plc.test',
  /** DID documents whose service endpoints the proxy must refuse. */
  insecureDid: 'did:web:insecure.test',
  loopbackDid: 'did:web:loopback.test',
  /** Its DID document is missing (404). */
  missingDid: 'did:web:missing.test',
} as const

/** Settings of the worker under test that point the proxy at the stand-ins. */
export const STAND_IN_BINDINGS = {
  APPVIEW_DID: `${STAND_IN.appView.did}${STAND_IN.appView.service}`,
  CHAT_DID: `${STAND_IN.chat.did}${STAND_IN.chat.service}`,
  PLC_URL: STAND_IN.plcUrl,
}

/**
 * The query parameter that makes the stand-in AppView answer `body` (its text as given)
 * with `atproto-repo-rev: rev`, as an AppView that has indexed the repo up to `rev`.
 */
export const standInAnswer = (rev: string, body: unknown, status = 200): Record<string, string> => ({
  standInAnswer: JSON.stringify({
    rev,
    status,
    text: typeof body === 'string' ? body : JSON.stringify(body),
  }),
})
