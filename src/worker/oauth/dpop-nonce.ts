import { derivedKey, hmacB64url } from './derived-keys'

/** A nonce changes every step; the previous, current and next are accepted (clock skew), ~3 minutes, as the reference. */
export const NONCE_STEP_MS = 60_000

const nonceFor = async (jwtSecret: string, step: number) =>
  hmacB64url(await derivedKey(jwtSecret, 'dpop-nonce'), String(step))

/**
 * Server-provided DPoP nonces (RFC 9449 §8) without state: the HMAC of the time step
 * under a key derived from `JWT_SECRET`, so every isolate computes the same ones.
 */
export async function currentNonce(jwtSecret: string, now = Date.now()): Promise<string> {
  return nonceFor(jwtSecret, Math.floor(now / NONCE_STEP_MS))
}

/** True when `nonce` is the nonce of the previous, current or next step. */
export async function isFreshNonce(jwtSecret: string, nonce: string, now = Date.now()): Promise<boolean> {
  const step = Math.floor(now / NONCE_STEP_MS)
  for (const s of [step, step - 1, step + 1]) {
    if ((await nonceFor(jwtSecret, s)) === nonce) return true
  }
  return false
}
