import { decodeAll } from '@atproto/lex-cbor'
import type { LexMap } from '@atproto/lex-data'

/** indigo `cmd/relay` limits: it drops a connection on a larger message (`MaxMessageBytes`). */
export const MAX_FRAME_BYTES = 5_000_000
/** Lexicon `subscribeRepos#commit.blocks` maxLength and the ops limit, checked per event. */
export const MAX_BLOCKS_BYTES = 2_000_000
export const MAX_OPS = 200

/** A decoded frame: a message `{op: 1, t}` or an error `{op: -1}` with `{error, message?}`. */
export type Frame =
  | { kind: 'message'; type: string; body: LexMap; size: number }
  | { kind: 'error'; error: string; message: string | undefined; size: number }

/** A frame a relay refuses; the connection is dropped, like indigo does. */
export class FrameRejectedError extends Error {
  override name = 'FrameRejectedError'
}

const isMap = (v: unknown): v is LexMap => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Decodes one binary WebSocket message the way the reference consumer does: exactly two
 * DAG-CBOR items, a header then a body. Throws `FrameRejectedError` on anything else.
 */
export function parseFrame(bytes: Uint8Array): Frame {
  const size = bytes.byteLength
  if (size > MAX_FRAME_BYTES) throw new FrameRejectedError(`frame of ${size} bytes > ${MAX_FRAME_BYTES}`)
  let items: unknown[]
  try {
    items = [...decodeAll(bytes)]
  } catch (e) {
    throw new FrameRejectedError(`frame is not DAG-CBOR: ${(e as Error).message}`)
  }
  const [header, body] = items
  if (items.length !== 2 || !isMap(header) || !isMap(body)) {
    throw new FrameRejectedError(`frame holds ${items.length} items, not a header map and a body map`)
  }
  if (header.op === -1) {
    if (typeof body.error !== 'string') throw new FrameRejectedError('error frame without an error name')
    const message = typeof body.message === 'string' ? body.message : undefined
    return { kind: 'error', error: body.error, message, size }
  }
  if (header.op !== 1 || typeof header.t !== 'string') {
    throw new FrameRejectedError(`bad header ${JSON.stringify(header)}`)
  }
  if ('$type' in body) throw new FrameRejectedError(`${header.t} body carries $type`)
  return { kind: 'message', type: header.t, body, size }
}
