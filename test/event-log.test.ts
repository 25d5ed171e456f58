import { env, runInDurableObject } from 'cloudflare:test'
import { encode } from '@atproto/lex-cbor'
import { describe, expect, it } from 'vitest'
import { EventLog } from '../src/actors/sequencer/event-log'
import { decodeFrame } from '../src/shared/event-frame'

/** Runs `fn` against the EventLog of a fresh sequencer instance (its own SQLite). */
async function withLog<T>(fn: (log: EventLog) => T | Promise<T>): Promise<T> {
  const stub = env.SEQUENCER.get(env.SEQUENCER.idFromName(`log-${crypto.randomUUID()}`))
  await stub.info() // runs migrations
  return runInDurableObject(stub, (_actor, state) =>
    fn(new EventLog(state.storage.sql, (f) => state.storage.transactionSync(f))),
  )
}

const identity = (outboxId: number, handle = 'a.test') => ({
  outboxId,
  type: '#identity' as const,
  body: encode({ did: 'did:web:a.test', handle, time: new Date(0).toISOString() }),
})

describe('EventLog', () => {
  it('assigns consecutive seqs and frames each event with its seq', async () => {
    await withLog((log) => {
      const appended = log.append([identity(1), identity(2), identity(3)], 0)
      expect([appended.lastOutboxId, appended.head]).toEqual([3, 3])
      const frames = log.read(0, 10, 1e9)
      expect(frames.map((f) => f.seq)).toEqual([1, 2, 3])
      // The new frames come back from append as stored, for the shards' notifications.
      expect(appended.added).toEqual(frames)
      const { header, body } = decodeFrame(frames[1]?.frame ?? new Uint8Array())
      expect(header).toEqual({ op: 1, t: '#identity' })
      expect(body).toMatchObject({ seq: 2, did: 'did:web:a.test', handle: 'a.test' })
    })
  })

  it('ignores redelivered events by outbox id', async () => {
    await withLog((log) => {
      log.append([identity(1), identity(2)], 0)
      const again = log.append([identity(1), identity(2), identity(3)], 0)
      expect([again.lastOutboxId, again.head, again.added.map((f) => f.seq)]).toEqual([3, 3, [3]])
      expect(log.read(0, 10, 1e9)).toHaveLength(3)
    })
  })

  it('stores frames over the row limit in chunks and reads them back whole', async () => {
    await withLog((log) => {
      const big = {
        outboxId: 1,
        type: '#identity' as const,
        body: encode({ did: 'x', pad: new Uint8Array(2_500_000).fill(7) }),
      }
      log.append([big, identity(2)], 0)
      const [frame] = log.read(0, 1, 1e9)
      const { body } = decodeFrame(frame?.frame ?? new Uint8Array())
      expect((body.pad as Uint8Array).byteLength).toBe(2_500_000)
      expect((body.pad as Uint8Array).every((b) => b === 7)).toBe(true)
    })
  })

  it('prunes only events both older than the age limit and beyond the newest N, and never reuses a seq', async () => {
    await withLog((log) => {
      log.append([identity(1), identity(2), identity(3)], 1_000)
      log.append([identity(4), identity(5)], 5_000)
      expect(log.prune(2_000, 1)).toBe(3) // 1-3 are old; 4 and 5 are recent
      expect(log.prune(10_000, 1)).toBe(1) // all old now; keep the newest one
      expect(log.oldest()).toBe(5)
      log.append([identity(6)], 20_000)
      expect(log.read(0, 10, 1e9).map((f) => f.seq)).toEqual([5, 6])
      expect(log.prune(1e12, 0)).toBe(2)
      expect(log.oldest()).toBeNull()
      log.append([identity(7)], 30_000)
      expect(log.head()).toBe(7)
    })
  })

  it('reads pages bounded by count and bytes, always at least one frame', async () => {
    await withLog((log) => {
      log.append([identity(1), identity(2), identity(3), identity(4)], 0)
      expect(log.read(1, 2, 1e9).map((f) => f.seq)).toEqual([2, 3])
      expect(log.read(0, 10, 1).map((f) => f.seq)).toEqual([1])
    })
  })
})
