import { isLoopbackHost } from '../../../shared/config'

/**
 * The pages' cookies. On https they are `__Host-` cookies (Secure, Path=/, no Domain: no
 * subdomain or plain-http page can set or read them); only a loopback `http://localhost`
 * development server gets them without Secure, which browsers would otherwise drop.
 */

export type CookieJar = { secure: boolean; prefix: string }

/** The cookie rules for the host of `publicUrl`. */
export function cookieJar(publicUrl: string): CookieJar {
  const url = new URL(publicUrl)
  const secure = url.protocol === 'https:' || !isLoopbackHost(url.host)
  return { secure, prefix: secure ? '__Host-' : '' }
}

/** The value of cookie `name` (without the jar's prefix) in the request, or null. */
export function readCookie(req: Request, jar: CookieJar, name: string): string | null {
  const header = req.headers.get('cookie')
  if (!header) return null
  const full = `${jar.prefix}${name}`
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq === -1) continue
    if (part.slice(0, eq).trim() === full) return part.slice(eq + 1).trim()
  }
  return null
}

/** A `Set-Cookie` value; `maxAgeSeconds` 0 deletes it. Values are base64url or JWTs: no escaping needed. */
export function setCookie(jar: CookieJar, name: string, value: string, maxAgeSeconds: number): string {
  const attrs = [
    `${jar.prefix}${name}=${value}`,
    'Path=/',
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
  ]
  if (jar.secure) attrs.push('Secure')
  return attrs.join('; ')
}
