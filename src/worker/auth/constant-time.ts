const encoder = new TextEncoder()

/**
 * Compares a presented value with a configured secret without leaking where they differ,
 * and without hashing on every request: `timingSafeEqual` over the bytes. A value of
 * another length still runs one comparison of the secret's own length (the secret with
 * itself), so the time does not tell the secret's length either.
 */
export function constantTimeEqual(presented: string, secret: string): boolean {
  const expected = encoder.encode(secret)
  const given = encoder.encode(presented)
  const sameLength = given.byteLength === expected.byteLength
  return crypto.subtle.timingSafeEqual(sameLength ? given : expected, expected) && sameLength
}
