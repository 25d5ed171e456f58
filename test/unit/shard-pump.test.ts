import { describe, expect, it } from 'vitest'
import type { StoredFrame } from '../../src/actors/sequencer/event-log'
import {
  DEFAULT_LIMITS,
  type FrameSource,
  ShardPump,
  type SubscriberSocket,
} from '../../src/actors/subscribers/shard-pump'
import { initialState, type SubscriptionState } from '../../src/actors/subscribers/subscription-state'
import { decodeFrame } from '../../src/shared/event-frame'

/** A log of frames whose body is just the seq, readable like the sequencer's. */
class FakeLog implements FrameSource {
  frames: StoredFrame[] = []
  reads = 0
  append(count: number): number {
    for (let i = 0; i < count; i++) {
      const seq = (this.frames.at(-1)?.seq ?? 0) + 1
      this.frames.push({ seq, frame: new Uint8Array([seq & 0xff, seq >> 8]) })
    }
    return this.head()
  }
  head(): number {
    return this.frames.at(-1)?.seq ?? 0
  }
  prune(keep: number): void {
    this.frames = this.frames.slice(-keep)
  }
  async read(after: number, limit: number) {
    this.reads += 1
    const frames = this.frames.filter((f) => f.seq > after).slice(0, limit)
    return { frames, head: this.head(), oldest: this.frames[0]?.seq ?? null }
  }
}

const seqOf = (frame: Uint8Array) => (frame[0] ?? 0) + ((frame[1] ?? 0) << 8)

class FakeSocket implements SubscriberSocket {
  received: Uint8Array[] = []
  closed: { code: number; reason: string } | null = null
  buffered: number | undefined = undefined
  constructor(
    public state: SubscriptionState,
    readonly client = 'client-a',
  ) {}
  setState(s: SubscriptionState) {
    this.state = s
  }
  send(frame: Uint8Array) {
    this.received.push(frame)
  }
  bufferedAmount() {
    return this.buffered
  }
  close(code: number, reason: string) {
    this.closed = { code, reason }
  }
  seqs(): number[] {
    return this.received.filter((f) => f.byteLength === 2).map(seqOf)
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('ShardPump', () => {
  it('replays from a cursor and streams live with no gap or duplicate at the cutover', async () => {
    const log = new FakeLog()
    log.append(1200)
    const sockets = [
      new FakeSocket(initialState(100, log.head())),
      new FakeSocket(initialState(null, log.head())),
    ]
    const pump = new ShardPump(log, () => sockets.filter((s) => !s.closed))
    const first = pump.wake(log.head())
    log.append(7) // events land while the replay is under way
    await first
    await pump.wake(log.append(5))
    expect(sockets[0]?.seqs()).toEqual(range(101, 1212))
    expect(sockets[1]?.seqs()).toEqual(range(1201, 1212))
    expect(sockets.every((s) => s.state.phase === 'live')).toBe(true)
  })

  it('serves sockets at the same position from one read', async () => {
    const log = new FakeLog()
    log.append(10)
    const sockets = Array.from({ length: 50 }, () => new FakeSocket(initialState(null, 10)))
    const pump = new ShardPump(log, () => sockets)
    await pump.wake(log.append(3))
    expect(log.reads).toBe(1)
    for (const s of sockets) expect(s.seqs()).toEqual([11, 12, 13])
  })

  it('sends OutdatedCursor and resumes at the oldest kept event when the cursor was pruned', async () => {
    const log = new FakeLog()
    log.append(50)
    log.prune(10)
    const socket = new FakeSocket(initialState(5, 50))
    await new ShardPump(log, () => [socket]).wake(50)
    const info = socket.received[0]
    expect(info && decodeFrame(info).header).toEqual({ op: 1, t: '#info' })
    expect(info && decodeFrame(info).body.name).toBe('OutdatedCursor')
    expect(socket.seqs()).toEqual(range(41, 50))
  })

  it('cuts off a socket whose queued bytes exceed the bound with ConsumerTooSlow, and only that one', async () => {
    const log = new FakeLog()
    log.append(3)
    const stalled = new FakeSocket(initialState(null, 3))
    const healthy = new FakeSocket(initialState(null, 3))
    stalled.buffered = DEFAULT_LIMITS.maxBufferedBytes + 1
    const pump = new ShardPump(log, () => [stalled, healthy].filter((s) => !s.closed))
    await pump.wake(log.append(2))
    expect(stalled.closed).toEqual({ code: 1008, reason: 'ConsumerTooSlow' })
    const last = stalled.received.at(-1)
    expect(last && decodeFrame(last)).toEqual({
      header: { op: -1 },
      body: expect.objectContaining({ error: 'ConsumerTooSlow' }),
    })
    await pump.wake(log.append(2))
    expect(healthy.seqs()).toEqual([4, 5, 6, 7])
    expect(healthy.closed).toBeNull()
  })
})

describe('ShardPump with frames handed over', () => {
  it('serves sockets from frames that came with the notification, without reading', async () => {
    const log = new FakeLog()
    log.append(5)
    const socket = new FakeSocket(initialState(null, 5))
    const pump = new ShardPump(log, () => [socket])
    const head = log.append(3)
    await pump.wake(head, log.frames.slice(-3))
    expect(log.reads).toBe(0)
    expect(socket.seqs()).toEqual([6, 7, 8])
  })

  it('keeps no frame once every socket was sent it, and reads again for a socket that needs one', async () => {
    const log = new FakeLog()
    log.append(5)
    const sockets = [new FakeSocket(initialState(null, 5)), new FakeSocket(initialState(null, 5))]
    const pump = new ShardPump(log, () => sockets)
    await pump.wake(log.append(3), log.frames.slice(-3))
    expect(log.reads).toBe(0)
    // A socket joining at 5 needs 6..8 again: they were dropped, so it costs a read.
    sockets.push(new FakeSocket(initialState(5, 8)))
    await pump.wake(8)
    expect(log.reads).toBe(1)
    expect(sockets[2]?.seqs()).toEqual([6, 7, 8])
  })
})

describe('ShardPump slices', () => {
  it('pauses for the thread every sendsPerSlice frames of a pass, and a wake meanwhile is served after', async () => {
    const log = new FakeLog()
    log.append(1)
    const sockets = Array.from({ length: 10 }, (_, i) => new FakeSocket(initialState(null, 0), `client-${i}`))
    const pauses: (() => void)[] = []
    const clock = {
      now: () => Date.now(),
      later: (fn: () => void, ms: number) => void setTimeout(fn, ms),
      pause: () => new Promise<void>((resolve) => pauses.push(resolve)),
    }
    const pump = new ShardPump(log, () => sockets, { ...DEFAULT_LIMITS, sendsPerSlice: 4 }, clock)
    const run = pump.wake(log.head())
    const served = () => sockets.filter((s) => s.seqs().length > 0).length
    const settle = () => new Promise((resolve) => setTimeout(resolve, 0))
    await settle()
    // One frame each: four sockets, then a pause with the others still waiting.
    expect(served()).toBe(4)
    expect(pauses).toHaveLength(1)
    const woke = pump.wake(log.append(1)) // an event lands during the pause
    pauses.shift()?.()
    await settle()
    expect(served()).toBe(8)
    let done = false
    const both = Promise.all([run, woke]).then(() => {
      done = true
    })
    while (!done) {
      pauses.shift()?.()
      await settle()
    }
    await both
    for (const s of sockets) expect(s.seqs()).toEqual([1, 2])
  })
})
