import { createHash, timingSafeEqual } from 'node:crypto'

/** Digests of the configured secrets compared (the token, the password): the same on every request. */
const secretDigests = new Map<string, Uint8Array>()
/** A changed setting leaves an old entry behind; a few are kept at most. */
const MAX_SECRETS = 4

// node:crypto (nodejs_compat) hashes synchronously in native code: no WebCrypto promise per request.
const sha256 = (s: string): Uint8Array => createHash('sha256').update(s).digest()

function secretDigest(secret: string): Uint8Array {
  const known = secretDigests.get(secret)
  if (known) return known
  const digest = sha256(secret)
  if (secretDigests.size >= MAX_SECRETS) secretDigests.clear()
  secretDigests.set(secret, digest)
  return digest
}

/**
 * Compares a presented value with a configured secret without leaking where they differ:
 * both are hashed first (the secret's digest once per isolate), so the compared buffers
 * always have the same length whatever was presented.
 */
export function constantTimeEqual(presented: string, secret: string): boolean {
  return timingSafeEqual(sha256(presented), secretDigest(secret))
}
