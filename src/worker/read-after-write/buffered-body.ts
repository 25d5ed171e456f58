/**
 * Reads a body whole unless it passes `limit` bytes. Past the limit, the answer is a
 * stream of the bytes read so far followed by the rest, so the body can still be
 * passed on unchanged.
 */
export async function bufferUpTo(
  body: ReadableStream<Uint8Array>,
  limit: number,
): Promise<{ bytes: Uint8Array } | { stream: ReadableStream<Uint8Array> }> {
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) {
      const bytes = new Uint8Array(size)
      let at = 0
      for (const c of chunks) {
        bytes.set(c, at)
        at += c.byteLength
      }
      return { bytes }
    }
    chunks.push(value)
    size += value.byteLength
    if (size > limit) {
      const stream = new ReadableStream<Uint8Array>({
        pull: async (controller) => {
          const head = chunks.shift()
          if (head) return controller.enqueue(head)
          const next = await reader.read()
          if (next.done) controller.close()
          else controller.enqueue(next.value)
        },
        cancel: (reason) => reader.cancel(reason),
      })
      return { stream }
    }
  }
}
