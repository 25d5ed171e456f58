import { encode } from '@atproto/lex-cbor'
import { describe, expect, it } from 'vitest'
import type { EventLog, IncomingEvent } from '../../src/actors/sequencer/event-log'
import { ManualClock } from '../../src/shared/clock'
import { decodeFrame } from '../../src/shared/event-frame'

/** Runs `fn` against a fresh, empty event log that reads time from `clock`. */
export type WithEventLog = (clock: ManualClock, fn: (log: EventLog) => void | Promise<void>) => Promise<void>

const identity = (outboxId: number, handle = 'a.test'): IncomingEvent => ({
  outboxId,
  type: '#identity',
  body: encode({ did: 'did:web:a.test', handle, time: new Date(0).toISOString() }),
})
const seqsOf = (log: EventLog) => log.read(0, 1000, 1e9).map((f) => f.seq)

/** The behaviour every `EventLog` shares, run for each implementation. */
export function describeEventLogContract(name: string, withLog: WithEventLog): void {
  const run = (fn: (log: EventLog, clock: ManualClock) => void | Promise<void>) => {
    const clock = new ManualClock(1_000)
    return withLog(clock, (log) => fn(log, clock))
  }

  describe(`EventLog contract: ${name}`, () => {
    it('starts empty, at seq 0', () =>
      run((log) => {
        expect([log.head(), log.lastOutboxId(), log.oldest()]).toEqual([0, 0, null])
        expect(log.read(0, 10, 1e9)).toEqual([])
      }))

    it('assigns consecutive seqs and frames each event with its seq', () =>
      run((log) => {
        const appended = log.append([identity(1), identity(2), identity(3)], 0)
        expect([appended.lastOutboxId, appended.head]).toEqual([3, 3])
        const frames = log.read(0, 10, 1e9)
        expect(frames.map((f) => f.seq)).toEqual([1, 2, 3])
        // The new frames come back from append as stored, for the shards' notifications.
        expect(appended.added).toEqual(frames)
        const { header, body } = decodeFrame(frames[1]?.frame ?? new Uint8Array())
        expect(header).toEqual({ op: 1, t: '#identity' })
        expect(body).toMatchObject({ seq: 2, did: 'did:web:a.test', handle: 'a.test' })
        expect([log.head(), log.lastOutboxId(), log.oldest()]).toEqual([3, 3, 1])
      }))

    it('ignores redelivered events by outbox id, across and within batches', () =>
      run((log) => {
        log.append([identity(1), identity(2)], 0)
        const again = log.append([identity(1), identity(2), identity(3)], 0)
        expect([again.lastOutboxId, again.head, again.added.map((f) => f.seq)]).toEqual([3, 3, [3]])
        // Ids need not be consecutive; one at or below the last sequenced is a redelivery.
        const gaps = log.append([identity(7), identity(5), identity(7), identity(9)], 0)
        expect([gaps.lastOutboxId, gaps.head, gaps.added.map((f) => f.seq)]).toEqual([9, 5, [4, 5]])
        const none = log.append([identity(9)], 0)
        expect([none.lastOutboxId, none.head, none.added]).toEqual([9, 5, []])
        expect(seqsOf(log)).toEqual([1, 2, 3, 4, 5])
      }))

    it('stores large frames and reads them back whole', () =>
      run((log) => {
        const big: IncomingEvent = {
          outboxId: 1,
          type: '#identity',
          body: encode({ did: 'x', pad: new Uint8Array(2_500_000).fill(7) }),
        }
        log.append([big, identity(2)], 0)
        const [frame] = log.read(0, 1, 1e9)
        const { body } = decodeFrame(frame?.frame ?? new Uint8Array())
        expect((body.pad as Uint8Array).byteLength).toBe(2_500_000)
        expect((body.pad as Uint8Array).every((b) => b === 7)).toBe(true)
      }))

    it('reads pages bounded by count and bytes, always at least one frame', () =>
      run((log) => {
        log.append([identity(1), identity(2), identity(3), identity(4)], 0)
        expect(log.read(1, 2, 1e9).map((f) => f.seq)).toEqual([2, 3])
        expect(log.read(0, 10, 1).map((f) => f.seq)).toEqual([1])
        const size = log.read(0, 1, 1e9)[0]?.frame.byteLength ?? 0
        expect(log.read(0, 10, 2 * size).map((f) => f.seq)).toEqual([1, 2])
        expect(log.read(0, 0, 1e9)).toEqual([])
        expect(log.read(4, 10, 1e9)).toEqual([])
      }))

    it('prunes only events both older than the age limit and beyond the newest N, and never reuses a seq', () =>
      run((log) => {
        log.append([identity(1), identity(2), identity(3)], 1_000)
        log.append([identity(4), identity(5)], 5_000)
        expect(log.prune(2_000, 10)).toBe(0) // fewer than N events: nothing goes
        expect(log.prune(2_000, 1)).toBe(3) // 1-3 are old; 4 and 5 are recent
        expect(log.prune(10_000, 1)).toBe(1) // all old now; keep the newest one
        expect(log.oldest()).toBe(5)
        log.append([identity(6)], 20_000)
        expect(seqsOf(log)).toEqual([5, 6])
        expect(log.prune(1e12, 0)).toBe(2)
        expect(log.oldest()).toBeNull()
        log.append([identity(7)], 30_000)
        expect(log.head()).toBe(7)
        expect(seqsOf(log)).toEqual([7])
      }))

    it('stamps events with its clock when append is given no time', () =>
      run((log, clock) => {
        log.append([identity(1)])
        clock.advance(10_000)
        log.append([identity(2)])
        expect(log.prune(clock.now(), 0)).toBe(1) // only the first is older than now
        expect(seqsOf(log)).toEqual([2])
      }))
  })
}
