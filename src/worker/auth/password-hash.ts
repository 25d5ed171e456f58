import { base64url } from 'multiformats/bases/base64'

// Stored salts and hashes are unpadded base64url; this codec wrote every existing one.
const b64urlEncode = (bytes: Uint8Array): string => base64url.baseEncode(bytes)
const b64urlDecode = (text: string): Uint8Array => base64url.baseDecode(text)

/** workerd refuses PBKDF2 above 100,000 iterations, so that is both the cap and our cost. */
export const PBKDF2_ITERATIONS = 100_000

/** A stored app-password hash: PBKDF2-SHA256 with a per-password salt. */
export type PasswordHash = { salt: string; hash: string; iterations: number }

const APP_PASSWORD_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'
const APP_PASSWORD_RE = /^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, [
    'deriveBits',
  ])
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256)
  return new Uint8Array(bits)
}

/** Hashes a password with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const hash = await derive(password, salt, PBKDF2_ITERATIONS)
  return { salt: b64urlEncode(salt), hash: b64urlEncode(hash), iterations: PBKDF2_ITERATIONS }
}

/** Checks a password against a stored hash, comparing in constant time. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = b64urlDecode(stored.hash)
  const actual = await derive(password, b64urlDecode(stored.salt), stored.iterations)
  return actual.byteLength === expected.byteLength && crypto.subtle.timingSafeEqual(actual, expected)
}

/** A new app password, `xxxx-xxxx-xxxx-xxxx` over base32 letters (80 bits; 32 divides 256, so no bias). */
export function generateAppPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  const chars = [...bytes].map((b) => APP_PASSWORD_ALPHABET[b % 32])
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-')
}

/** Whether a login password has the app-password shape (only those are worth hashing). */
export const isAppPasswordFormat = (password: string): boolean => APP_PASSWORD_RE.test(password)
