import { errors, jwtVerify, SignJWT } from 'jose'
import type { Config } from '../../shared/config'
import { derivedKey } from './derived-keys'
import { randomId } from './random-id'

/** Access tokens live at most an hour (reference `TOKEN_MAX_AGE`), never past the session. */
export const ACCESS_TOKEN_TTL_MS = 60 * 60_000

const KEY_LABEL = 'oauth-access-token'

/** What an OAuth access token says; `sid` is the grant it belongs to. */
export type OAuthAccessClaims = {
  sub: string
  scope: string
  clientId: string
  grantId: string
  jkt: string
  exp: number
}

/**
 * Mints a DPoP-bound access token: an HS256 JWT (`typ: at+jwt`, RFC 9068 claims) under
 * a key derived from `JWT_SECRET`, never the session tokens' key, so neither kind
 * verifies as the other. Opaque to clients; only this PDS reads it.
 */
export async function createOAuthAccessToken(
  config: Config,
  input: { scope: string; clientId: string; grantId: string; jkt: string; expiresAt: number; now?: number },
): Promise<string> {
  const iat = Math.floor((input.now ?? Date.now()) / 1000)
  return new SignJWT({
    scope: input.scope,
    client_id: input.clientId,
    sid: input.grantId,
    cnf: { jkt: input.jkt },
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .setIssuer(config.publicUrl)
    .setAudience(config.serviceDid)
    .setSubject(config.did)
    .setJti(`tok-${randomId()}`)
    .setIssuedAt(iat)
    .setExpirationTime(Math.floor(input.expiresAt / 1000))
    .sign(await derivedKey(config.jwtSecret, KEY_LABEL))
}

/** Why an access token is refused: expired (the client should refresh) or not ours / malformed. */
export type AccessTokenProblem = 'expired' | 'invalid'

/** Verifies an OAuth access token; the problem when it is not a live one of this PDS. */
export async function verifyOAuthAccessToken(
  token: string,
  config: Config,
  now = Date.now(),
): Promise<{ ok: true; claims: OAuthAccessClaims } | { ok: false; problem: AccessTokenProblem }> {
  try {
    const { payload } = await jwtVerify(token, await derivedKey(config.jwtSecret, KEY_LABEL), {
      algorithms: ['HS256'],
      typ: 'at+jwt',
      issuer: config.publicUrl,
      audience: config.serviceDid,
      subject: config.did,
      currentDate: new Date(now),
    })
    const { scope, client_id, sid, cnf, exp } = payload as Record<string, unknown>
    const jkt = (cnf as { jkt?: unknown } | undefined)?.jkt
    if (typeof scope !== 'string' || typeof client_id !== 'string' || typeof sid !== 'string')
      return { ok: false, problem: 'invalid' }
    if (typeof jkt !== 'string' || typeof exp !== 'number') return { ok: false, problem: 'invalid' }
    return { ok: true, claims: { sub: config.did, scope, clientId: client_id, grantId: sid, jkt, exp } }
  } catch (e) {
    return { ok: false, problem: e instanceof errors.JWTExpired ? 'expired' : 'invalid' }
  }
}
