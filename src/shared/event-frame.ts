import { decodeAll, encode } from '@atproto/lex-cbor'
import type { LexMap } from '@atproto/lex-data'
import { spliceSeq } from './seq-splice'

/** A sequenced, ready-to-send firehose frame. */
export type StoredFrame = { seq: number; frame: Uint8Array }

/** Event types of `com.atproto.sync.subscribeRepos`. */
export type EventType = '#commit' | '#sync' | '#identity' | '#account' | '#info'

/**
 * A firehose frame: two DAG-CBOR items back to back, a header then a body
 * (spec:event-stream). Bodies carry no `$type`.
 */
export function messageFrame(type: EventType, body: LexMap): Uint8Array {
  return concat(encode({ op: 1, t: type }), encode(body))
}

/** An error frame (`op: -1`); the server closes with 1008 after sending it. */
export function errorFrame(error: 'FutureCursor' | 'ConsumerTooSlow', message?: string): Uint8Array {
  return concat(encode({ op: -1 }), encode(message === undefined ? { error } : { error, message }))
}

/** Each event type's encoded header, built once: every frame of a type starts with it. */
const HEADERS = new Map<EventType, Uint8Array>()

function headerOf(type: EventType): Uint8Array {
  let header = HEADERS.get(type)
  if (!header) {
    header = encode({ op: 1, t: type })
    HEADERS.set(type, header)
  }
  return header
}

/**
 * Adds the sequence number to a stored event body and frames it: the header and the body
 * spliced with `seq` (seq-splice.ts), the same bytes as encoding the decoded body with
 * `seq` (`messageFrame`) without decoding or re-encoding anything.
 */
export function sequencedFrame(type: EventType, bodyWithoutSeq: Uint8Array, seq: number): Uint8Array {
  return spliceSeq(bodyWithoutSeq, seq, headerOf(type))
}

/** Splits a frame back into header and body (for tests and tools). */
export function decodeFrame(frame: Uint8Array): { header: LexMap; body: LexMap } {
  const [header, body, ...rest] = [...decodeAll<LexMap>(frame)]
  if (!header || !body || rest.length > 0) throw new Error('a frame is exactly two CBOR items')
  return { header, body }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength)
  out.set(a, 0)
  out.set(b, a.byteLength)
  return out
}
