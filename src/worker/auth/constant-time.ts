const encoder = new TextEncoder()

/** The bytes of the configured secrets compared (the token, the password): the same on every request. */
const secretBytes = new Map<string, Uint8Array>()
/** A changed setting leaves an old entry behind; a few are kept at most. */
const MAX_SECRETS = 4

function bytesOf(secret: string): Uint8Array {
  const known = secretBytes.get(secret)
  if (known) return known
  const bytes = encoder.encode(secret)
  if (secretBytes.size >= MAX_SECRETS) secretBytes.clear()
  secretBytes.set(secret, bytes)
  return bytes
}

/**
 * Compares a presented value with a configured secret without leaking where they differ,
 * and without hashing on every request: `timingSafeEqual` over the bytes. A value of
 * another length still runs one comparison of the secret's own length (the secret with
 * itself), so the time does not tell the secret's length either.
 */
export function constantTimeEqual(presented: string, secret: string): boolean {
  const expected = bytesOf(secret)
  const given = encoder.encode(presented)
  const sameLength = given.byteLength === expected.byteLength
  return crypto.subtle.timingSafeEqual(sameLength ? given : expected, expected) && sameLength
}
