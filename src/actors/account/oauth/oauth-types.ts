import type { Err } from '../../../shared/result'

/**
 * How a client authenticated at the token endpoint: a public client (`none`), or a
 * `private_key_jwt` assertion signed by the key `kid` of its JWKS.
 */
export type ClientAuth = { method: 'none' } | { method: 'private_key_jwt'; kid: string }

/**
 * Why `now` is not how the client authenticated when its code or grant was made, or null
 * when it is (RFC 6749 §6: a client must keep authenticating as it did; a key rotation
 * means a new authorization).
 */
export function clientAuthChange(was: ClientAuth, now: ClientAuth): string | null {
  if (was.method !== now.method) return 'Client authentication method changed since the authorization'
  if (was.method === 'private_key_jwt' && now.method === 'private_key_jwt' && was.kid !== now.kid)
    return 'Client authentication key changed since the authorization'
  return null
}

/** The validated parameters of a pushed authorization request: what its code and grant are bound to. */
export type AuthorizationRequest = {
  clientId: string
  clientAuth: ClientAuth
  redirectUri: string
  /** Space-separated atproto permissions, as the client asked (after `checkRequestedScope`). */
  scope: string
  state: string | null
  /** PKCE S256 challenge (base64url SHA-256 of the verifier). */
  codeChallenge: string
  responseMode: 'query' | 'fragment'
  loginHint: string | null
  prompt: string | null
  /** JWK thumbprint of the DPoP key of the PAR request; the tokens are bound to it. */
  dpopJkt: string
}

/** A single-use value (DPoP proof or client assertion `jti`) and until when it must be remembered. */
export type OnceKey = { key: string; expiresAt: number }

/** An authorized client session as stored (refresh token kept only as its hash). */
export type OAuthGrant = {
  id: string
  clientId: string
  clientAuth: ClientAuth
  scope: string
  dpopJkt: string
  createdAt: number
  lastUsedAt: number
  /** The session ends here whatever happens (reference: 2 weeks public, 2 years confidential). */
  sessionExpiresAt: number
  /** The current refresh token stops here unless rotated first. */
  refreshExpiresAt: number
}

/**
 * The expected failures of the OAuth storage. They never become XRPC errors: the OAuth
 * endpoints render them as RFC 6749 errors (`src/worker/oauth/oauth-error.ts`).
 */
export type OAuthStoreCode =
  | 'InvalidRequest'
  | 'InvalidGrant'
  | 'InvalidClient'
  | 'DpopKeyMismatch'
  | 'Replayed'

export type OAuthErr = Err<OAuthStoreCode>
