import type { Config } from '../../../shared/config'
import { configEpochClaim } from '../../auth/config-epoch'
import { signHs256, verifyHs256 } from '../../auth/jwt'
import { type CookieJar, readCookie, setCookie } from './cookies'
import { pageKey } from './page-keys'

/**
 * The owner's sign-in on the OAuth pages: a cookie holding an HS256 JWT under a key of its
 * own (page-keys.ts). It carries the password epoch, so changing PASSWORD (or JWT_SECRET)
 * signs every browser out, and the session generation, which the pages confirm with the
 * account actor (revoking every session signs it out too); it lasts 12 hours at most.
 */

export const SESSION_COOKIE = 'oauth-session'
export const SESSION_TTL_SECONDS = 12 * 3600
const TYP = 'edgepds-browser-session'

export type OwnerSession = {
  /** The request_uri the owner signed in for: `prompt=login` needs a sign-in for that very request. */
  signedInFor: string | null
  issuedAt: number
  /** The account's session generation at sign-in; `revokeAllSessions` moves it on. */
  generation: number
}

/** The `Set-Cookie` value of a fresh session. */
export async function sessionCookie(
  config: Config,
  jar: CookieJar,
  opts: { signedInFor: string | null; generation: number },
  now = Date.now(),
): Promise<string> {
  const iat = Math.floor(now / 1000)
  const payload = {
    sub: config.did,
    epoch: await configEpochClaim(config),
    for: opts.signedInFor,
    gen: opts.generation,
    iat,
    exp: iat + SESSION_TTL_SECONDS,
  }
  const token = await signHs256({ typ: TYP }, payload, await pageKey(config, 'browser-session'))
  return setCookie(jar, SESSION_COOKIE, token, SESSION_TTL_SECONDS)
}

export const clearedSessionCookie = (jar: CookieJar): string => setCookie(jar, SESSION_COOKIE, '', 0)

/** The signed-in owner, or null: no cookie, a bad signature, expired, another owner or password. */
export async function readSession(
  req: Request,
  config: Config,
  jar: CookieJar,
  now = Date.now(),
): Promise<OwnerSession | null> {
  const token = readCookie(req, jar, SESSION_COOKIE)
  if (!token) return null
  const verified = await verifyHs256(token, await pageKey(config, 'browser-session'))
  if (!verified || verified.header.typ !== TYP) return null
  const { sub, epoch, exp, iat, gen } = verified.payload
  const signedInFor = verified.payload.for
  if (sub !== config.did || epoch !== (await configEpochClaim(config))) return null
  if (typeof exp !== 'number' || typeof iat !== 'number' || exp * 1000 <= now) return null
  if (typeof gen !== 'number') return null
  return {
    signedInFor: typeof signedInFor === 'string' ? signedInFor : null,
    issuedAt: iat * 1000,
    generation: gen,
  }
}
