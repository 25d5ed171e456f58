/**
 * The OAuth clients the stand-in services publish (test/fixtures/oauth-client-documents.ts).
 * The confidential client's key is a throwaway test key, not a secret of anything.
 */
export const OAUTH_TEST_CLIENTS = {
  public: { clientId: 'https://client.test/public.json', redirectUri: 'https://client.test/callback' },
  confidential: {
    clientId: 'https://client.test/confidential.json',
    redirectUri: 'https://client.test/callback',
  },
  /** Over the 64 KiB bound. */
  big: 'https://client.test/big.json',
  /** Answers after 5 s, past the 3 s bound. */
  slow: 'https://client.test/slow.json',
  /** Valid JSON but `dpop_bound_access_tokens: false`. */
  notDpop: 'https://client.test/not-dpop.json',
  /** Its `client_id` names another URL. */
  wrongId: 'https://client.test/wrong-id.json',
  /** Redirects to another document. */
  redirecting: 'https://client.test/redirect.json',
} as const

export const TEST_CLIENT_KID = 'test-client-key-1'

export const TEST_CLIENT_PRIVATE_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'QfraTEcri8SdWDbcaNKkRjxygczrSgyxfuDZa6uT-eM',
  y: 'l5Y1sh5ctHg5NcaysXguUlGkRdWOdg8VROi4Xrxqp7A',
  d: 'RKSwp-ZtRocq_2MpJvQg71BErIOwwOTOFevrDGKQwoc',
  kid: TEST_CLIENT_KID,
  alg: 'ES256',
}

const { d: _private, ...publicPart } = TEST_CLIENT_PRIVATE_JWK
export const TEST_CLIENT_PUBLIC_JWK = publicPart
