import { base64url } from 'multiformats/bases/base64'

/** A JWT split into its parts; nothing about it is verified yet. */
export type DecodedJwt = {
  header: Record<string, unknown>
  payload: Record<string, unknown>
  /** `<header>.<payload>` as sent: the bytes the signature covers. */
  signingInput: string
  signature: Uint8Array
}

const utf8 = new TextEncoder()

/** base64url without padding, as JWTs use it. */
export const b64urlEncode = (bytes: Uint8Array): string => base64url.baseEncode(bytes)

export const b64urlDecode = (text: string): Uint8Array => base64url.baseDecode(text)

const encodeJson = (value: object): string => b64urlEncode(utf8.encode(JSON.stringify(value)))

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Splits and parses a compact JWT; null when it is not one. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.')
  if (parts.length !== 3) return null
  const [h, p, s] = parts as [string, string, string]
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(b64urlDecode(h)))
    const payload: unknown = JSON.parse(new TextDecoder().decode(b64urlDecode(p)))
    if (!isObject(header) || !isObject(payload)) return null
    return { header, payload, signingInput: `${h}.${p}`, signature: b64urlDecode(s) }
  } catch {
    return null
  }
}

/** Builds `<header>.<payload>` for signing. */
export const signingInputFor = (header: object, payload: object): string =>
  `${encodeJson(header)}.${encodeJson(payload)}`

let hmacKey: { secret: string; key: Promise<CryptoKey> } | null = null

function keyFor(secret: string): Promise<CryptoKey> {
  if (hmacKey?.secret === secret) return hmacKey.key
  const key = crypto.subtle.importKey('raw', utf8.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ])
  hmacKey = { secret, key }
  return key
}

/** Signs an HS256 JWT with `secret`; `header.alg` is set here. */
export async function signHs256(header: object, payload: object, secret: string): Promise<string> {
  const input = signingInputFor({ ...header, alg: 'HS256' }, payload)
  const sig = await crypto.subtle.sign('HMAC', await keyFor(secret), utf8.encode(input))
  return `${input}.${b64urlEncode(new Uint8Array(sig))}`
}

/**
 * Checks an HS256 JWT's signature (WebCrypto HMAC verify compares in constant time).
 * Returns the decoded token, or null when it is malformed, not HS256 or wrongly signed.
 */
export async function verifyHs256(token: string, secret: string): Promise<DecodedJwt | null> {
  const jwt = decodeJwt(token)
  if (jwt?.header.alg !== 'HS256') return null
  const valid = await crypto.subtle.verify(
    'HMAC',
    await keyFor(secret),
    jwt.signature,
    utf8.encode(jwt.signingInput),
  )
  return valid ? jwt : null
}
