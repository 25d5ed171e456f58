import { concatBytes } from '@atproto/repo'

/**
 * Reads a body stream whole unless it grows past `limit` bytes, in which case it
 * stops reading, cancels the stream and returns null. Content-Length is not trusted.
 */
export async function readLimited(
  body: ReadableStream<Uint8Array>,
  limit: number,
): Promise<Uint8Array | null> {
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return concatBytes(chunks)
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      return null
    }
    chunks.push(value)
  }
}
