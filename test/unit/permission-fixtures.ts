/** Credentials of every kind and the shape of a refusal, for the permission tests. */
import { XRPCError } from '../../src/shared/xrpc-error'
import type { OwnerCredential } from '../../src/worker/auth/credential'

export const DID = 'did:web:pds.test'
export const APPVIEW = 'did:web:api.bsky.app#bsky_appview'
export const CHAT = 'did:web:api.bsky.chat#bsky_chat'

export const oauth = (scope: string): OwnerCredential => ({
  type: 'oauth',
  did: DID,
  scope,
  clientId: 'https://app.example/client-metadata.json',
  grantId: 'g1',
})
export const appPassword = (privileged: boolean): OwnerCredential => ({
  type: 'session',
  did: DID,
  scope: privileged ? 'com.atproto.appPassPrivileged' : 'com.atproto.appPass',
  appPassword: { id: 'ap1', name: 'phone', privileged },
})
export const mainPassword: OwnerCredential = {
  type: 'session',
  did: DID,
  scope: 'com.atproto.access',
  appPassword: null,
}
export const staticToken: OwnerCredential = { type: 'static', did: DID }
export const serviceJwt = (lxm: string): OwnerCredential => ({ type: 'service', did: DID, lxm })

/** The refusal `check` throws, as [status, error, message], or null when it is allowed. */
export function refusal(check: () => void): [number, string, string] | null {
  try {
    check()
    return null
  } catch (e) {
    if (!(e instanceof XRPCError)) throw e
    return [e.status, e.error, e.message]
  }
}
export const missing = (scope: string): [number, string, string] => [
  403,
  'ScopeMissingError',
  `Missing required scope "${scope}"`,
]
export const BAD_SCOPE: [number, string, string] = [400, 'InvalidToken', 'Bad token scope']
export const BAD_METHOD: [number, string, string] = [400, 'InvalidToken', 'Bad token method']

/** Every kind of question, answered yes (null) or with its refusal. */
