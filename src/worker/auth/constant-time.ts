/** Digests of the configured secrets compared (the token, the password): the same on every request. */
const secretDigests = new Map<string, ArrayBuffer>()
/** A changed setting leaves an old entry behind; a few are kept at most. */
const MAX_SECRETS = 4

const sha256 = (s: string) => crypto.subtle.digest('SHA-256', new TextEncoder().encode(s))

/** Kept as bytes, not as a promise: a promise must not be shared across requests in workerd. */
async function secretDigest(secret: string): Promise<ArrayBuffer> {
  const known = secretDigests.get(secret)
  if (known) return known
  const digest = await sha256(secret)
  if (secretDigests.size >= MAX_SECRETS) secretDigests.clear()
  secretDigests.set(secret, digest)
  return digest
}

/**
 * Compares a presented value with a configured secret without leaking where they differ:
 * both are hashed first (the secret's digest once per isolate).
 */
export async function constantTimeEqual(presented: string, secret: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([sha256(presented), secretDigest(secret)])
  return crypto.subtle.timingSafeEqual(ha, hb)
}
