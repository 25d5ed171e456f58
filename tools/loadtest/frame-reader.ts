import { createHash } from 'node:crypto'
import { decodeFrame } from '../../src/shared/event-frame'

/** What the load test needs of one firehose frame. */
export type ReadFrame =
  | { kind: 'message'; type: string; seq: number; rev?: string }
  | { kind: 'error'; error: string; message?: string }
  | { kind: 'info'; name: string }
  | { kind: 'invalid'; reason: string }

const CACHE_LIMIT = 4_096

/**
 * Decodes frames with the PDS's own `decodeFrame`, remembering recent results by content
 * hash: every subscriber gets the same bytes for a seq, and with 1,000 subscribers decoding
 * each copy again would make the tool, not the server, the bottleneck on 2 cores. The
 * result depends only on the bytes, so sharing it changes no count.
 */
export class FrameReader {
  private readonly cache = new Map<string, ReadFrame>()

  read(bytes: Uint8Array): ReadFrame {
    const key = createHash('sha1').update(bytes).digest('base64')
    const hit = this.cache.get(key)
    if (hit) return hit
    const frame = parse(bytes)
    this.cache.set(key, frame)
    if (this.cache.size > CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value
      if (oldest !== undefined) this.cache.delete(oldest)
    }
    return frame
  }
}

function parse(bytes: Uint8Array): ReadFrame {
  let decoded: ReturnType<typeof decodeFrame>
  try {
    decoded = decodeFrame(bytes)
  } catch (e) {
    return { kind: 'invalid', reason: (e as Error).message }
  }
  const { header, body } = decoded
  if (header.op === -1) {
    const message = typeof body.message === 'string' ? body.message : undefined
    return { kind: 'error', error: String(body.error), ...(message === undefined ? {} : { message }) }
  }
  if (header.op === 1 && header.t === '#info') return { kind: 'info', name: String(body.name) }
  if (header.op !== 1 || typeof header.t !== 'string' || typeof body.seq !== 'number') {
    return { kind: 'invalid', reason: `unexpected header ${JSON.stringify(header)}` }
  }
  const rev = typeof body.rev === 'string' ? body.rev : undefined
  return { kind: 'message', type: header.t, seq: body.seq, ...(rev === undefined ? {} : { rev }) }
}
