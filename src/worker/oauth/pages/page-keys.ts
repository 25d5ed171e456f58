import type { Config } from '../../../shared/config'
import { b64urlEncode } from '../../auth/jwt'

const utf8 = new TextEncoder()
const cache = new Map<string, Promise<CryptoKey>>()

const hmacKey = (secret: string): Promise<CryptoKey> => {
  let key = cache.get(secret)
  if (!key) {
    key = crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
    ])
    cache.set(secret, key)
  }
  return key
}

/** HMAC-SHA256 of `data` under `secret`, base64url. */
export async function hmac(secret: string, data: string): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), utf8.encode(data))
  return b64urlEncode(new Uint8Array(mac))
}

/**
 * A key for one purpose of the pages, derived from JWT_SECRET: a browser-session cookie is
 * signed under another key than access tokens, so neither can ever pass for the other.
 */
export const pageKey = (config: Config, purpose: 'browser-session' | 'csrf'): Promise<string> =>
  hmac(config.jwtSecret, `edge-pds oauth pages\0${purpose}`)

/** `bytes` random bytes, base64url: cookie values, nonces. */
export const randomToken = (bytes: number): string =>
  b64urlEncode(crypto.getRandomValues(new Uint8Array(bytes)))
