import { describe, expect, it } from 'vitest'
import { CommittedTail } from '../../src/actors/repo/outbox/committed-tail'
import { MemoryOutbox } from '../../src/actors/repo/outbox/memory-outbox'
import { OutboxDelivery } from '../../src/actors/repo/outbox/outbox-delivery'
import type { IncomingEvent } from '../../src/actors/sequencer/event-log'
import { createLogger } from '../../src/shared/logger'

const event = (n: number) => ({ type: '#identity' as const, rev: null, body: new Uint8Array(n) })
const NOW = '2026-12-01T00:00:00.000Z'

/** A tail over a memory outbox with a transaction runner that only counts (no SQL to roll back here). */
function setup() {
  const tail = new CommittedTail()
  const sql = new MemoryOutbox()
  const outbox = tail.wrap(sql)
  const transaction = tail.transaction(<T>(fn: () => T): T => fn())
  return { tail, sql, outbox, transaction }
}

const ids = (rows: { id: number }[] | null) => rows?.map((r) => r.id) ?? null

describe('CommittedTail', () => {
  it('answers what the outbox answers for rows committed in transactions', () => {
    const { tail, sql, outbox, transaction } = setup()
    transaction(() => {
      outbox.append(event(1), NOW)
      outbox.append(event(1), NOW)
    })
    transaction(() => outbox.append(event(1), NOW))
    expect(tail.take(0, 10)).toEqual(sql.read(0, 10))
    expect(ids(tail.take(1, 10))).toEqual([2, 3])
    expect(ids(tail.take(0, 2))).toBeNull() // row 1 was pruned by the take after it
    expect(ids(tail.take(2, 1))).toEqual([3])
  })

  it('keeps nothing of a transaction that throws, even from a nested one that returned', () => {
    const { tail, outbox, transaction } = setup()
    expect(() =>
      transaction(() => {
        transaction(() => outbox.append(event(1), NOW))
        throw new Error('rolled back')
      }),
    ).toThrow('rolled back')
    expect(tail.take(0, 10)).toBeNull()
    transaction(() => outbox.append(event(1), NOW))
    expect(tail.take(0, 10)).toBeNull() // row 1 is missing: SQL must answer
    expect(ids(tail.take(1, 10))).toEqual([2])
  })

  it('drops the appends of a nested transaction that threw when the outer one commits', () => {
    const { tail, outbox, transaction } = setup()
    transaction(() => {
      outbox.append(event(1), NOW)
      try {
        transaction(() => {
          outbox.append(event(1), NOW)
          throw new Error('savepoint rolled back')
        })
      } catch {
        // the outer transaction goes on
      }
    })
    // Only row 1 committed; the inner row 2 must not be handed over.
    expect(ids(tail.take(0, 10))).toEqual([1])
  })

  it('takes an append outside a transaction at once', () => {
    const { tail, outbox } = setup()
    outbox.append(event(1), NOW)
    expect(ids(tail.take(0, 10))).toEqual([1])
  })

  it('stops before maxBytes as Outbox.read does, always giving one row', () => {
    const { tail, sql, outbox, transaction } = setup()
    transaction(() => {
      for (const n of [5, 5, 5]) outbox.append(event(n), NOW)
    })
    expect(ids(tail.take(0, 10, 12))).toEqual(ids(sql.read(0, 10, 12)))
    expect(ids(tail.take(0, 10, 12))).toEqual([1, 2])
    expect(ids(tail.take(0, 10, 1))).toEqual([1])
  })

  it('answers nothing when rows before its first are undelivered (a restart, a dropped tail)', () => {
    const { tail, sql, outbox, transaction } = setup()
    sql.append(event(1), NOW) // committed before this tail existed
    transaction(() => outbox.append(event(1), NOW))
    expect(tail.take(0, 10)).toBeNull()
    expect(ids(tail.take(1, 10))).toEqual([2])
  })

  it('lets delivery hand over every row once, in order, from the tail or from SQL', async () => {
    const { tail, sql, outbox, transaction } = setup()
    const received: number[] = []
    const reads: number[] = []
    const counted = {
      ...outbox,
      read: (...a: Parameters<typeof sql.read>) => {
        reads.push(a[0])
        return sql.read(...a)
      },
    }
    const sequencer = {
      async append(events: IncomingEvent[]) {
        for (const e of events) received.push(e.outboxId)
        return { lastOutboxId: received.at(-1) ?? 0 }
      },
    }
    const delivery = new OutboxDelivery(counted, sequencer, async () => {}, createLogger('repo'), tail)
    sql.append(event(1), NOW) // before the tail: read from SQL
    transaction(() => outbox.append(event(1), NOW))
    await delivery.wake()
    for (let i = 0; i < 3; i++) {
      transaction(() => outbox.append(event(1), NOW))
      await delivery.wake()
    }
    expect(received).toEqual([1, 2, 3, 4, 5])
    expect(reads).toEqual([0]) // only the first round needed SQL
  })
})
