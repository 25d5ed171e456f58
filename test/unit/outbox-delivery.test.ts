import { describe, expect, it } from 'vitest'
import { MemoryOutbox } from '../../src/actors/repo/outbox/memory-outbox'
import type { Outbox } from '../../src/actors/repo/outbox/outbox'
import { OutboxDelivery, type SequencerTarget } from '../../src/actors/repo/outbox/outbox-delivery'
import type { IncomingEvent } from '../../src/actors/sequencer/event-log'
import { ManualClock } from '../../src/shared/clock'
import { createLogger } from '../../src/shared/logger'

/** A sequencer stand-in that can fail on demand and dedupes by outbox id like the real one. */
class FlakySequencer implements SequencerTarget {
  received: number[] = []
  failNext = 0
  loseAck = false
  async append(events: IncomingEvent[]) {
    if (this.failNext > 0) {
      this.failNext -= 1
      throw new Error('sequencer unreachable')
    }
    const last = this.received.at(-1) ?? 0
    for (const e of events) if (e.outboxId > last) this.received.push(e.outboxId)
    if (this.loseAck) {
      this.loseAck = false
      throw new Error('connection lost after append')
    }
    return { lastOutboxId: this.received.at(-1) ?? 0 }
  }
}

const event = { type: '#identity' as const, rev: null, body: new Uint8Array([0xa0]) }

/** `seq` behind a target that records each batch's outbox ids, in call order. */
function recordingBatches(seq: SequencerTarget): { target: SequencerTarget; batches: number[][] } {
  const batches: number[][] = []
  const target: SequencerTarget = {
    append: (e) => {
      batches.push(e.map((x) => x.outboxId))
      return seq.append(e)
    },
  }
  return { target, batches }
}

/**
 * An in-memory outbox holding three undelivered rows, as a new repo's does (identity,
 * account, genesis commit). The SQL outbox passes the same contract (test/outbox.test.ts).
 */
async function withOutbox<T>(fn: (outbox: Outbox) => Promise<T>): Promise<T> {
  const outbox = new MemoryOutbox()
  for (let i = 0; i < 3; i++) outbox.append(event, new Date().toISOString())
  return fn(outbox)
}

describe('OutboxDelivery', () => {
  it('delivers every row once, in order, across failures, retries and lost acknowledgements', async () => {
    await withOutbox(async (outbox) => {
      const seq = new FlakySequencer()
      const retries: number[] = []
      const delivery = new OutboxDelivery(
        outbox,
        seq,
        async (ms) => void retries.push(ms),
        createLogger('repo'),
      )
      seq.failNext = 2
      await delivery.wake()
      await delivery.wake()
      expect(retries).toEqual([250, 500])
      expect(seq.received).toEqual([])
      for (let i = 0; i < 5; i++) outbox.append(event, new Date().toISOString())
      seq.loseAck = true
      await delivery.wake() // the sequencer stored the batch but the reply was lost
      expect(retries).toHaveLength(3)
      await delivery.wake()
      expect(seq.received).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
      expect(delivery.deliveredThrough()).toBe(8)
    })
  })

  it('coalesces wakes that arrive while a delivery is running', async () => {
    await withOutbox(async (outbox) => {
      const seq = new FlakySequencer()
      let calls = 0
      const counting: SequencerTarget = {
        append: (e) => {
          calls += 1
          return seq.append(e)
        },
      }
      const delivery = new OutboxDelivery(outbox, counting, async () => {}, createLogger('repo'))
      const runs = [delivery.wake(), delivery.wake(), delivery.wake()]
      await Promise.all(runs)
      expect(seq.received).toEqual([1, 2, 3])
      expect(calls).toBeLessThanOrEqual(2)
    })
  })
})

describe('OutboxDelivery pacing (wakeSoon)', () => {
  /** A sleep that ends only when the test releases it, and moves the clock by its length. */
  function manualSleep(clock: ManualClock) {
    const waiting: { ms: number; release: () => void }[] = []
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        waiting.push({
          ms,
          release: () => {
            clock.advance(ms)
            resolve()
          },
        })
      })
    return { sleep, waiting }
  }

  it('delivers a lone commit at once, and the commits of a busy gap in one round at its end', async () => {
    await withOutbox(async (outbox) => {
      const seq = new FlakySequencer()
      const { target, batches } = recordingBatches(seq)
      const clock = new ManualClock(1_000_000)
      const { sleep, waiting } = manualSleep(clock)
      const delivery = new OutboxDelivery(outbox, target, async () => {}, createLogger('repo'), undefined, {
        gapMs: 20,
        clock,
        sleep,
      })
      await delivery.wakeSoon() // quiet before: at once, no timer
      expect(batches).toEqual([[1, 2, 3]])
      expect(waiting).toHaveLength(0)

      clock.advance(5)
      const soon: Promise<void>[] = []
      for (let i = 0; i < 4; i++) {
        outbox.append(event, new Date().toISOString())
        soon.push(delivery.wakeSoon())
      }
      // One timer for the rest of the gap, nothing sent yet, and idle() waits for it.
      expect(waiting.map((w) => w.ms)).toEqual([15])
      let idle = false
      const idled = delivery.idle().then(() => {
        idle = true
      })
      await Promise.resolve()
      expect(batches).toHaveLength(1)
      expect(idle).toBe(false)
      waiting[0]?.release()
      await Promise.all([...soon, idled])
      expect(batches).toEqual([
        [1, 2, 3],
        [4, 5, 6, 7],
      ])

      // A gap later the next commit goes at once again.
      clock.advance(20)
      outbox.append(event, new Date().toISOString())
      await delivery.wakeSoon()
      expect(batches.at(-1)).toEqual([8])
      expect(waiting).toHaveLength(1)
      expect(seq.received).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    })
  })

  it('without a gap is the plain wake', async () => {
    await withOutbox(async (outbox) => {
      const seq = new FlakySequencer()
      const delivery = new OutboxDelivery(outbox, seq, async () => {}, createLogger('repo'))
      await delivery.wakeSoon()
      outbox.append(event, new Date().toISOString())
      await delivery.wakeSoon()
      expect(seq.received).toEqual([1, 2, 3, 4])
    })
  })
})

describe('OutboxDelivery acknowledgements', () => {
  it('persists the acknowledged id now and then, and a restart resends only what it may not have', async () => {
    await withOutbox(async (outbox) => {
      const seq = new FlakySequencer()
      const first = new OutboxDelivery(outbox, seq, async () => {}, createLogger('repo'))
      for (let i = 0; i < 100; i++) {
        outbox.append(event, new Date().toISOString())
        await first.wake()
      }
      expect(first.deliveredThrough()).toBe(103)
      const persisted = outbox.deliveredThrough()
      expect(persisted).toBeGreaterThanOrEqual(103 - 64)
      // A new instance (a restarted actor) resumes from the persisted id; the sequencer dedupes.
      const { target, batches: calls } = recordingBatches(seq)
      const restarted = new OutboxDelivery(outbox, target, async () => {}, createLogger('repo'))
      await restarted.wake()
      expect(calls.flat()[0]).toBe(persisted + 1)
      expect(seq.received).toEqual(Array.from({ length: 103 }, (_, i) => i + 1))
    })
  })
})
