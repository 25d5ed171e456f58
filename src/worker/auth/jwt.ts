import { base64url, compactVerify, decodeJwt as decodePayload, decodeProtectedHeader, SignJWT } from 'jose'

/**
 * JWTs on `jose`: HS256 session tokens are signed and verified by it. jose has no
 * ES256K (secp256k1), so service JWTs only use the decoding and base64url here and
 * leave the signature to `@atproto/crypto` (see service-jwt.ts).
 */

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
export const b64urlEncode = (bytes: Uint8Array): string => base64url.encode(bytes)

/** Splits and parses a compact JWT; null when it is not one. */
export function decodeJwt(token: string): DecodedJwt | null {
  try {
    const header = decodeProtectedHeader(token)
    const payload = decodePayload(token)
    const [h, p, s] = token.split('.') as [string, string, string]
    return { header, payload, signingInput: `${h}.${p}`, signature: base64url.decode(s) }
  } catch {
    return null
  }
}

/** Builds `<header>.<payload>` for signing with a key jose cannot use (ES256K). */
export const signingInputFor = (header: object, payload: object): string =>
  `${b64urlEncode(utf8.encode(JSON.stringify(header)))}.${b64urlEncode(utf8.encode(JSON.stringify(payload)))}`

/**
 * Signs an HS256 JWT with `secret`; `alg` follows the given header fields, so a token
 * comes out byte for byte as the hand-written signer made it (`{typ, alg}`).
 */
export function signHs256(header: { typ: string }, payload: object, secret: string): Promise<string> {
  return new SignJWT({ ...payload }).setProtectedHeader({ ...header, alg: 'HS256' }).sign(utf8.encode(secret))
}

/**
 * Checks an HS256 JWT's signature; claims are left to the caller. Returns the decoded
 * token, or null when it is malformed, not HS256 or wrongly signed.
 */
export async function verifyHs256(token: string, secret: string): Promise<DecodedJwt | null> {
  try {
    await compactVerify(token, utf8.encode(secret), { algorithms: ['HS256'] })
  } catch {
    return null
  }
  return decodeJwt(token)
}
