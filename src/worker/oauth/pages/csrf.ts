import type { Config } from '../../../shared/config'
import { constantTimeEqual } from '../../auth/constant-time'
import { type CookieJar, readCookie, setCookie } from './cookies'
import { hmac, pageKey, randomToken } from './page-keys'

/**
 * CSRF defence of the pages' forms, two layers:
 * - a signed double-submit token: a random cookie (the seed) and, in the form, an HMAC of
 *   it bound to what the form acts on (`authorize:<request_uri>`, `apps`). Another site can
 *   neither read the cookie nor compute the HMAC, and a token for one request_uri is no
 *   good for another;
 * - the browser's own word: `Origin` (when sent) must be this PDS, `Sec-Fetch-Site` (when
 *   sent) must be `same-origin`.
 */

export const CSRF_COOKIE = 'oauth-csrf'
const SEED_TTL_SECONDS = 24 * 3600

/** The request's seed, or a new one and the cookie that sets it. */
export function csrfSeed(req: Request, jar: CookieJar): { seed: string; setCookie: string | null } {
  const seed = readCookie(req, jar, CSRF_COOKIE)
  if (seed && /^[A-Za-z0-9_-]{32,64}$/.test(seed)) return { seed, setCookie: null }
  const fresh = randomToken(32)
  return { seed: fresh, setCookie: setCookie(jar, CSRF_COOKIE, fresh, SEED_TTL_SECONDS) }
}

/** The form token for `binding` under `seed`. */
export const csrfToken = async (config: Config, seed: string, binding: string): Promise<string> =>
  hmac(await pageKey(config, 'csrf'), `${seed}\0${binding}`)

/** Why a POST is refused as cross-site, or null when it may proceed. */
export async function csrfRefusal(
  req: Request,
  config: Config,
  jar: CookieJar,
  sent: string | null,
  binding: string,
): Promise<string | null> {
  const origin = req.headers.get('origin')
  if (origin !== null && origin !== config.publicUrl) return 'The form was sent from another site.'
  const site = req.headers.get('sec-fetch-site')
  if (site !== null && site !== 'same-origin') return 'The form was sent from another site.'
  const seed = readCookie(req, jar, CSRF_COOKIE)
  if (!seed || !sent) return 'The form is missing its security token. Reload the page and try again.'
  if (!(await constantTimeEqual(sent, await csrfToken(config, seed, binding))))
    return 'The form’s security token is not valid. Reload the page and try again.'
  return null
}
