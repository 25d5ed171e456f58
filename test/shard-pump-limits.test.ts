import { describe, expect, it } from 'vitest'
import type { StoredFrame } from '../src/actors/sequencer/event-log'
import {
  DEFAULT_LIMITS,
  type FrameSource,
  type PumpClock,
  type PumpLimits,
  ShardPump,
  type SubscriberSocket,
} from '../src/actors/subscribers/shard-pump'
import { initialState, type SubscriptionState } from '../src/actors/subscribers/subscription-state'
import { decodeFrame } from '../src/shared/event-frame'

const FRAME_BYTES = 100

/** A log of 100-byte frames that start with their seq, readable like the sequencer's. */
class FakeLog implements FrameSource {
  frames: StoredFrame[] = []
  reads: number[] = []
  append(count: number): number {
    for (let i = 0; i < count; i++) {
      const seq = this.head() + 1
      const frame = new Uint8Array(FRAME_BYTES)
      frame.set([seq & 0xff, seq >> 8])
      this.frames.push({ seq, frame })
    }
    return this.head()
  }
  head(): number {
    return this.frames.at(-1)?.seq ?? 0
  }
  async read(after: number, limit: number) {
    this.reads.push(after)
    const frames = this.frames.filter((f) => f.seq > after).slice(0, limit)
    return { frames, head: this.head(), oldest: this.frames[0]?.seq ?? null }
  }
}

/** A socket that takes whatever it is sent; whether its peer reads is invisible, as in workerd. */
class FakeSocket implements SubscriberSocket {
  received: Uint8Array[] = []
  closed: { code: number; reason: string } | null = null
  constructor(
    public state: SubscriptionState,
    readonly client: string,
  ) {}
  setState(s: SubscriptionState) {
    this.state = s
  }
  send(frame: Uint8Array) {
    this.received.push(frame)
  }
  bufferedAmount() {
    return undefined
  }
  close(code: number, reason: string) {
    this.closed = { code, reason }
  }
  seqs(): number[] {
    return this.received
      .filter((f) => f.byteLength === FRAME_BYTES)
      .map((f) => (f[0] ?? 0) + ((f[1] ?? 0) << 8))
  }
  bytes(): number {
    return this.received.reduce((n, f) => n + f.byteLength, 0)
  }
}

/** Time that moves only when told to; timers fire as it passes them. */
class FakeClock implements PumpClock {
  t = 0
  private timers: { at: number; fn: () => void }[] = []
  now = () => this.t
  later(fn: () => void, ms: number) {
    this.timers.push({ at: this.t + ms, fn })
  }
  pause = async () => {}
  /** Moves time forward `ms` in steps of `step`, firing due timers and letting the pump settle. */
  async advance(ms: number, pump: ShardPump, step = 10) {
    for (const end = this.t + ms; this.t < end; ) {
      this.t += step
      const due = this.timers.filter((x) => x.at <= this.t)
      this.timers = this.timers.filter((x) => x.at > this.t)
      for (const x of due) x.fn()
      await pump.idle()
    }
  }
}

// 1,000 B/s per client with 2,000 B of burst, held 5 s at most: a client can be sent at most
// 2,000 + 1,000 × 5 B (+ a tick's refill and one frame) beyond what a 1,000 B/s reader drains.
const LIMITS: PumpLimits = {
  ...DEFAULT_LIMITS,
  pageSize: 100,
  batchFrames: 50,
  tickMs: 100,
  clientBytesPerSec: 1_000,
  clientBurstBytes: 2_000,
  slowGraceMs: 5_000,
}
const BOUND =
  LIMITS.clientBurstBytes + (LIMITS.clientBytesPerSec * (LIMITS.slowGraceMs + LIMITS.tickMs)) / 1000

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const lastFrame = (s: FakeSocket) => {
  const f = s.received.at(-1)
  return f && decodeFrame(f)
}

function setup(limits: Partial<PumpLimits> = {}) {
  const log = new FakeLog()
  const clock = new FakeClock()
  const sockets: FakeSocket[] = []
  const pump = new ShardPump(log, () => sockets.filter((s) => !s.closed), { ...LIMITS, ...limits }, clock)
  return { log, clock, sockets, pump }
}

describe('ShardPump limits', () => {
  it('cuts off a stalled reader replaying from 0 once it was held back past the grace, and sends it no more than the bound', async () => {
    const { log, clock, sockets, pump } = setup()
    log.append(1_000) // 100 kB: far more than one client may be sent in the grace
    const stalled = new FakeSocket(initialState(0, log.head()), 'stalled-client')
    const relay = new FakeSocket(initialState(null, log.head()), 'relay')
    sockets.push(stalled, relay)
    await pump.wake(log.head())
    for (let i = 0; i < 70; i++) {
      await pump.wake(log.append(1)) // live events: 100 B every 100 ms, below the rate
      await clock.advance(100, pump)
    }
    expect(stalled.closed).toEqual({ code: 1008, reason: 'ConsumerTooSlow' })
    expect(lastFrame(stalled)).toEqual({
      header: { op: -1 },
      body: expect.objectContaining({ error: 'ConsumerTooSlow' }),
    })
    const held = LIMITS.clientBurstBytes + (LIMITS.clientBytesPerSec * LIMITS.slowGraceMs) / 1000
    expect(stalled.bytes()).toBeGreaterThanOrEqual(held)
    expect(stalled.bytes()).toBeLessThanOrEqual(BOUND + 2 * FRAME_BYTES)
    expect(relay.closed).toBeNull()
    expect(relay.seqs()).toEqual(range(1_001, 1_070))
  })

  it('paces a replay to the rate and never cuts off a reader whose replay fits in the bound', async () => {
    const { log, clock, sockets, pump } = setup()
    log.append(60) // 6 kB: the burst plus 4 s at the rate
    const reader = new FakeSocket(initialState(0, log.head()), 'relay')
    sockets.push(reader)
    await pump.wake(log.head())
    expect(reader.bytes()).toBeLessThanOrEqual(LIMITS.clientBurstBytes + FRAME_BYTES)
    for (let s = 1; s <= 6; s++) {
      await clock.advance(1_000, pump)
      const allowed = LIMITS.clientBurstBytes + LIMITS.clientBytesPerSec * s + FRAME_BYTES
      expect(reader.bytes()).toBeLessThanOrEqual(allowed)
    }
    expect(reader.closed).toBeNull()
    expect(reader.seqs()).toEqual(range(1, 60))
    expect(reader.state.phase).toBe('live')
  })

  it('shares one budget among the sockets of one client, and cuts them all off when they stall', async () => {
    const { log, clock, sockets, pump } = setup()
    log.append(1_000)
    const many = Array.from({ length: 20 }, () => new FakeSocket(initialState(0, log.head()), 'one-address'))
    const other = new FakeSocket(initialState(990, log.head()), 'another-address')
    sockets.push(...many, other)
    await pump.wake(log.head())
    await clock.advance(8_000, pump, 50)
    const total = many.reduce((n, s) => n + s.bytes(), 0)
    expect(total).toBeLessThanOrEqual(BOUND + many.length * 2 * FRAME_BYTES)
    expect(many.every((s) => s.closed?.reason === 'ConsumerTooSlow')).toBe(true)
    expect(other.closed).toBeNull()
    expect(other.seqs()).toEqual(range(991, 1_000))
  })

  it('never holds back a live reader below the rate, even one that reads nothing', async () => {
    const { log, clock, sockets, pump } = setup()
    const live = new FakeSocket(initialState(null, 0), 'live')
    sockets.push(live)
    for (let i = 0; i < 100; i++) {
      await pump.wake(log.append(5)) // 500 B/s against 1,000 B/s
      await clock.advance(1_000, pump, 100)
    }
    expect(live.closed).toBeNull()
    expect(live.seqs()).toEqual(range(1, 500))
  })

  it('cuts off every reader of a live stream above the rate, the one reading and the one not alike', async () => {
    // The blind spot both ways: without bufferedAmount the pump sees only what it sent.
    const { log, clock, sockets, pump } = setup()
    const reading = new FakeSocket(initialState(null, 0), 'reading')
    const stalled = new FakeSocket(initialState(null, 0), 'stalled')
    sockets.push(reading, stalled)
    let seconds = 0
    for (; seconds < 100 && !reading.closed; seconds++) {
      await pump.wake(log.append(20)) // 2,000 B/s against 1,000 B/s
      await clock.advance(1_000, pump, 100)
    }
    expect(reading.closed?.reason).toBe('ConsumerTooSlow')
    expect(stalled.closed?.reason).toBe('ConsumerTooSlow')
    // The burst covers 2,000 B of the 1,000 B/s excess, then the socket is held: cut off
    // about a grace later, within a second (the test's step).
    const burstSeconds = LIMITS.clientBurstBytes / (2_000 - LIMITS.clientBytesPerSec)
    expect(seconds).toBeLessThanOrEqual(burstSeconds + LIMITS.slowGraceMs / 1000 + 1)
  })
})

describe('ShardPump reads', () => {
  it('serves sockets at scattered cursors from shared windows, not a read each', async () => {
    const { log, clock, sockets, pump } = setup({ clientBytesPerSec: 20_000, slowGraceMs: 60_000 })
    log.append(1_000)
    // 50 sockets of 50 clients, 20 events apart: 10 windows of 100 frames cover the log.
    for (let i = 0; i < 50; i++) sockets.push(new FakeSocket(initialState(i * 20, log.head()), `c${i}`))
    await pump.wake(log.head())
    await clock.advance(10_000, pump, 100)
    for (const [i, s] of sockets.entries()) expect(s.seqs()).toEqual(range(i * 20 + 1, 1_000))
    // About one read per window, where a read per socket and window would be 50 × 10.
    expect(log.reads.length).toBeLessThanOrEqual(20)
  })

  it('reads once per pass however many sockets need frames', async () => {
    const { log, sockets, pump } = setup()
    log.append(15) // within every client's burst
    for (let i = 0; i < 15; i++) sockets.push(new FakeSocket(initialState(i, log.head()), `c${i}`))
    await pump.wake(log.head())
    expect(log.reads).toEqual([0])
    for (const [i, s] of sockets.entries()) expect(s.seqs()).toEqual(range(i + 1, 15))
  })
})
