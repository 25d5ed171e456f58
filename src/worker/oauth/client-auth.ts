import { jwksPubSchema } from '@atproto/jwk'
import { calculateJwkThumbprint, createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose'
import type { ClientAuth, OnceKey } from '../../actors/account'
import type { OAuthClient } from './client'
import { ClientFetchError, fetchClientJson } from './client-fetch'
import { invalidClient, OAuthError } from './oauth-error'

/** Asymmetric algorithms a client assertion may be signed with. */
export const CLIENT_ASSERTION_ALGS = ['ES256', 'ES384', 'ES512', 'PS256', 'RS256']

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
/** A client assertion older than this (`iat`), or valid longer than this (`exp`), is refused (reference: 1 minute). */
export const CLIENT_ASSERTION_MAX_AGE_S = 60

/** How the client authenticated, and the assertion's `jti` to use once. */
export type AuthenticatedClient = { auth: ClientAuth; once: OnceKey[] }

// A fetched `jwks_uri` is reused as long as the client's metadata document is.
const JWKS_TTL_MS = 10 * 60_000
const jwksCache = new Map<string, { jwks: JSONWebKeySet; expiresAt: number }>()

async function keySet(client: OAuthClient, now: number): Promise<JSONWebKeySet> {
  const { jwks, jwks_uri } = client.metadata
  if (jwks) return jwks as JSONWebKeySet
  if (!jwks_uri) throw invalidClient('Client publishes no keys')
  const hit = jwksCache.get(jwks_uri)
  if (hit && hit.expiresAt > now) return hit.jwks
  try {
    // Public keys with a `kid` only: a shared secret (`oct`) or a private key is dropped.
    const parsed = jwksPubSchema.safeParse(await fetchClientJson(jwks_uri))
    if (!parsed.success || parsed.data.keys.length === 0)
      throw new ClientFetchError('jwks_uri has no usable public keys')
    const jwks = parsed.data as JSONWebKeySet
    if (jwksCache.size >= 100) jwksCache.clear()
    jwksCache.set(jwks_uri, { jwks, expiresAt: now + JWKS_TTL_MS })
    return jwks
  } catch (e) {
    if (e instanceof ClientFetchError) throw invalidClient(`Client keys unavailable: ${e.message}`)
    throw e
  }
}

/**
 * Authenticates the client at PAR and the token endpoint as its metadata says: `none`
 * (a public client: nothing to check), or `private_key_jwt` (RFC 7523 §3): a
 * `client_assertion` signed by a key of its JWKS with its `kid`, `iss` = `sub` =
 * client_id, `aud` = this issuer, fresh `iat`, short `exp`, a `jti` used once, and a key
 * other than the request's DPoP key (`dpopJkt`): one key must not be both identities.
 */
export async function authenticateClient(
  client: OAuthClient,
  form: URLSearchParams,
  issuer: string,
  opts: { dpopJkt?: string; now?: number } = {},
): Promise<AuthenticatedClient> {
  const now = opts.now ?? Date.now()
  const method = client.metadata.token_endpoint_auth_method
  if (method === 'none') return { auth: { method: 'none' }, once: [] }
  const assertion = form.get('client_assertion')
  if (!assertion) throw invalidClient(`client authentication method "${method}" requires a client_assertion`)
  if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE)
    throw invalidClient(`client_assertion_type must be "${CLIENT_ASSERTION_TYPE}"`)
  const alg = client.metadata.token_endpoint_auth_signing_alg
  // The metadata names the alg, but only one of ours is trusted (HS256 would verify with a published secret).
  if (alg !== undefined && !CLIENT_ASSERTION_ALGS.includes(alg))
    throw invalidClient(`token_endpoint_auth_signing_alg "${alg}" is not supported`)
  let payload: Record<string, unknown>
  let kid: string | undefined
  const keys = await keySet(client, now)
  try {
    const verified = await jwtVerify(assertion, createLocalJWKSet(keys), {
      issuer: client.id,
      subject: client.id,
      audience: issuer,
      algorithms: alg ? [alg] : CLIENT_ASSERTION_ALGS,
      maxTokenAge: CLIENT_ASSERTION_MAX_AGE_S,
      requiredClaims: ['jti', 'iat'],
      currentDate: new Date(now),
    })
    payload = verified.payload
    kid = verified.protectedHeader.kid
  } catch (e) {
    if (e instanceof OAuthError) throw e
    throw invalidClient(
      `Validation of "client_assertion" failed: ${e instanceof Error ? e.message : 'invalid'}`,
    )
  }
  if (!kid) throw invalidClient('"kid" required in client_assertion')
  if (opts.dpopJkt !== undefined && (await signedWithKeyOf(keys, kid, opts.dpopJkt)))
    throw invalidClient('The client_assertion key must not be the DPoP key')
  const iat = payload.iat as number
  const exp = typeof payload.exp === 'number' ? payload.exp : iat + CLIENT_ASSERTION_MAX_AGE_S
  if (exp - iat > CLIENT_ASSERTION_MAX_AGE_S * 5)
    throw invalidClient('client_assertion "exp" is too far ahead')
  const jti = payload.jti as string
  return {
    auth: { method: 'private_key_jwt', kid },
    once: [
      {
        key: `client-assertion:${client.id}:${jti}`,
        // A minute past the last second it is accepted: jose rounds now down, clocks differ.
        expiresAt: (Math.max(exp, iat + CLIENT_ASSERTION_MAX_AGE_S) + CLIENT_ASSERTION_MAX_AGE_S) * 1000,
      },
    ],
  }
}

/** Whether a key of `keys` with this `kid` has the thumbprint `jkt`. */
async function signedWithKeyOf(keys: JSONWebKeySet, kid: string, jkt: string): Promise<boolean> {
  for (const key of keys.keys) {
    if (key.kid !== kid) continue
    if ((await calculateJwkThumbprint(key, 'sha256').catch(() => null)) === jkt) return true
  }
  return false
}
