const utf8 = new TextEncoder()
const cache = new Map<string, Promise<Uint8Array>>()

/**
 * A 32-byte key for one purpose (`label`), derived from `JWT_SECRET` by HMAC-SHA256, so
 * OAuth access tokens and DPoP nonces never share a key with the session JWTs, and
 * rotating `JWT_SECRET` ends them all.
 */
export function derivedKey(jwtSecret: string, label: string): Promise<Uint8Array> {
  const id = `${label}\u0000${jwtSecret}`
  let key = cache.get(id)
  if (!key) {
    key = (async () => {
      const base = await crypto.subtle.importKey(
        'raw',
        utf8.encode(jwtSecret),
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign'],
      )
      return new Uint8Array(await crypto.subtle.sign('HMAC', base, utf8.encode(`edge-pds ${label}`)))
    })()
    if (cache.size > 8) cache.clear()
    cache.set(id, key)
  }
  return key
}

/** HMAC-SHA256 of `message` under `key`, base64url. */
export async function hmacB64url(key: Uint8Array, message: string): Promise<string> {
  const k = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', k, utf8.encode(message)))
  return b64url(mac)
}

/** base64url without padding. */
export const b64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

/** base64url SHA-256 of `text` (PKCE S256 challenges, DPoP `ath`). */
export async function sha256B64url(text: string): Promise<string> {
  return b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(text))))
}
