import { decode, encode } from '@atproto/lex-cbor'
import { cidForCbor, type LexMap } from '@atproto/lex-data'
import { BlockMap } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import {
  accountEvent,
  commitEvent,
  identityEvent,
  type OutboxEvent,
  syncEvent,
} from '../../src/actors/repo/commit/firehose-events'
import { decodeFrame, type EventType, messageFrame, sequencedFrame } from '../../src/shared/event-frame'
import { encodeHead, spliceSeq } from '../../src/shared/seq-splice'

const DID = 'did:web:splice.test'
const TIME = '2026-12-01T12:00:00.000Z'
/** Around every boundary of a CBOR head's size, and the largest seq JavaScript holds exactly. */
const SEQS = [1, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]

/** The old way: decode the body, add seq, encode the frame again. */
const reencoded = (type: EventType, body: Uint8Array, seq: number) =>
  messageFrame(type, { ...(decode(body) as LexMap), seq })

async function everyKind(): Promise<{ name: string; event: { type: EventType; body: Uint8Array } }[]> {
  const record = encode({ $type: 'app.bsky.feed.post', text: 'hi', createdAt: TIME })
  const recordCid = await cidForCbor(record)
  const commitBytes = encode({ did: DID, version: 3, rev: '3lbbbbbbbbb22', data: recordCid, prev: null })
  const commitCid = await cidForCbor(commitBytes)
  const blocks = new BlockMap().set(recordCid, record).set(commitCid, commitBytes)
  const ops = [{ action: 'create', path: 'app.bsky.feed.post/3lbbbbbbbbb22', cid: recordCid }]
  const input = { did: DID, commitCid, rev: '3lbbbbbbbbb23', ops: ops as never, blocks }
  const head = { rev: '3lbbbbbbbbb22', dataCid: recordCid, cid: commitCid } as never
  const kinds: [string, OutboxEvent][] = [
    ['#commit, first', await commitEvent(input, null, TIME)],
    ['#commit with since and prevData', await commitEvent(input, head, TIME)],
    ['#sync', await syncEvent(DID, commitCid, commitBytes, '3lbbbbbbbbb23', TIME)],
    ['#identity', identityEvent(DID, 'alice.splice.test', TIME)],
    ['#account, active', accountEvent(DID, true, TIME)],
    ['#account with status', accountEvent(DID, false, TIME, 'deactivated')],
  ]
  return [
    ...kinds.map(([name, event]) => ({ name, event })),
    { name: '#info', event: { type: '#info', body: encode({ name: 'OutdatedCursor', message: 'old' }) } },
  ]
}

describe('spliceSeq', () => {
  it('gives every event kind the bytes of a full decode and re-encode, at every head size of seq', async () => {
    for (const { name, event } of await everyKind()) {
      for (const seq of SEQS) {
        const frame = sequencedFrame(event.type, event.body, seq)
        expect(frame, `${name}, seq ${seq}`).toEqual(reencoded(event.type, event.body, seq))
        expect(decodeFrame(frame).body.seq).toBe(seq)
      }
    }
  })

  it('puts seq in its canonical place among keys of every length, and grows the map head past 23 keys', () => {
    // Keys shorter than, as long as and longer than "seq", on both sides of it bytewise.
    const keys = ['a', 'zz', 'ops', 'rev', 'sa', 'sez', 'seqq', 'sf', 'aaa', 'zzz', 'time', 'blocks']
    for (let n = 0; n <= 30; n++) {
      const body: Record<string, unknown> = {}
      for (let i = 0; i < n; i++) {
        const key = keys[i] ?? `k${i}`
        body[key] =
          i % 3 === 0 ? { nested: [i, 'x'.repeat(i * 10), null, true] } : i % 3 === 1 ? -i * 1000 : `v${i}`
      }
      const bytes = encode(body as LexMap)
      for (const seq of [7, 300, 2 ** 40]) {
        expect(spliceSeq(bytes, seq), `${n} keys, seq ${seq}`).toEqual(
          new Uint8Array(encode({ ...(body as LexMap), seq })),
        )
      }
    }
  })

  it('refuses a body that already holds seq, one that is not a map, and trailing bytes', () => {
    expect(() => spliceSeq(encode({ seq: 1, did: DID }), 2)).toThrow(/already holds seq/)
    expect(() => spliceSeq(encode([1, 2]), 2)).toThrow(/map/)
    const trailing = new Uint8Array([...encode({ did: DID }), 0x01])
    expect(() => spliceSeq(trailing, 2)).toThrow(/after the body/)
    expect(() => spliceSeq(encode({ did: DID }).subarray(0, 5), 2)).toThrow(/truncated/)
  })

  it('encodes heads in their shortest form', () => {
    for (const v of [0, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      expect(encodeHead(0, v)).toEqual(new Uint8Array(encode(v)))
    }
  })
})
