import { CoalescingRunner } from '../../shared/coalescing-runner'
import type { FirehoseLimits } from '../../shared/config/firehose'
import { DEFAULT_FIREHOSE_LIMITS } from '../../shared/config/firehose'
import type { StoredFrame } from '../../shared/event-frame'
import { errorFrame, messageFrame } from '../../shared/event-frame'
import { FrameCache } from '../../shared/frame-cache'
import type { ReadResult } from '../sequencer'
import { ClientBudgets } from './client-budget'
import type { SubscriptionState } from './subscription-state'

/** One subscriber socket as the pump sees it. */
export interface SubscriberSocket {
  readonly state: SubscriptionState
  /** The client it belongs to (its address key): budgets are per client, not per socket. */
  readonly client: string
  setState(state: SubscriptionState): void
  send(frame: Uint8Array): void
  /** Bytes queued for the peer, when the runtime can tell (workerd cannot yet: workerd#988). */
  bufferedAmount(): number | undefined
  close(code: number, reason: string): void
}

/** Where frames come from: the sequencer's log. */
export interface FrameSource {
  read(after: number, limit: number, maxBytes: number): Promise<ReadResult>
}

/** Time as the pump sees it: injected so tests can stall a socket for minutes in no time. */
export interface PumpClock {
  now(): number
  /** Runs `fn` once after `ms`. */
  later(fn: () => void, ms: number): void
  /** Resolves once the thread's other queued work (a write's request) has had its turn. */
  pause(): Promise<void>
}

export const SYSTEM_CLOCK: PumpClock = {
  now: () => Date.now(),
  later: (fn, ms) => void setTimeout(fn, ms),
  pause: () => new Promise((resolve) => setTimeout(resolve, 0)),
}

export type PumpLimits = Pick<FirehoseLimits, 'clientBytesPerSec' | 'clientBurstBytes' | 'slowGraceMs'> & {
  /** Frames and bytes per read from the sequencer: one shared window per pass. */
  pageSize: number
  pageBytes: number
  /** Frames sent to one socket per pass before the others get their turn. */
  batchFrames: number
  /**
   * Frames a pass sends before it pauses for the thread's other work. Locally every actor
   * shares one thread, so a long pass would make a write that arrives meanwhile wait for all
   * of it; in slices, the write goes between two of them.
   */
  sendsPerSlice: number
  /** How soon a pass follows one that left sockets held back by their budget, in ms. */
  tickMs: number
  /** A socket the runtime reports more than this many bytes queued for is cut off at once. */
  maxBufferedBytes: number
}

export const DEFAULT_LIMITS: PumpLimits = {
  pageSize: 500,
  pageBytes: 4 * 1024 * 1024,
  batchFrames: 250,
  sendsPerSlice: 64,
  tickMs: 100,
  maxBufferedBytes: 16 * 1024 * 1024,
  clientBytesPerSec: DEFAULT_FIREHOSE_LIMITS.clientBytesPerSec,
  clientBurstBytes: DEFAULT_FIREHOSE_LIMITS.clientBurstBytes,
  slowGraceMs: DEFAULT_FIREHOSE_LIMITS.slowGraceMs,
}

const OUTDATED = messageFrame('#info', {
  name: 'OutdatedCursor',
  message: 'Requested cursor exceeded limit. Possibly missing events',
})

/** What a pass read: `from` its position, `first` the first seq returned. */
type Window = { read: boolean; from?: number; first?: number }

/** How serving one socket in a pass ended. */
type Served = 'caught-up' | 'more' | 'waiting' | 'held' | 'cut-off'

/**
 * Moves every socket of a shard from its `sentSeq` to the head, within each client's budget.
 *
 * Passes: one at a time (wakes during a pass schedule another). A pass reads at most one
 * window from the sequencer, starting at the lowest position any socket needs that the
 * shard's cache lacks, so sockets at scattered cursors share reads; then each lagging socket
 * gets a batch from the cache. A pass that leaves work goes round again at once; one that
 * leaves only sockets held back by their budget schedules the next pass `tickMs` later.
 *
 * Policy (workerd reports no `bufferedAmount`, workerd#988, so a peer that stopped reading
 * cannot be seen): every reader is presumed to drain at least `clientBytesPerSec`. A
 * client's sockets together are sent at most that rate, with `clientBurstBytes` above it
 * (a token bucket per client address), so a reader that keeps the pace has at most the
 * burst queued. A socket that is behind and held back by its budget is "held" from that
 * moment until it catches up with the head; held for longer than `slowGraceMs`, it gets
 * `ConsumerTooSlow` and close 1008. So no client is ever sent more than
 * burst + rate × grace (plus one frame) beyond what a reader at that rate drained, which
 * bounds what a stalled client costs the shard; a reader at full speed is never cut off
 * unless its replay alone is longer than that (it then resumes from its cursor).
 * Live streaming below the rate is never held, whatever the reader does.
 */
export class ShardPump {
  private head = 0
  private readonly runner = new CoalescingRunner(async () => {
    while (await this.pass()) {}
    return true
  })
  /**
   * Frames some socket still needs (see dropUnneeded), capped at 2,000 frames and two
   * windows' bytes, so the window just read never evicts the one read before it.
   */
  private readonly cache: FrameCache
  private readonly budgets: ClientBudgets
  /** When each held socket was first held back since it was last caught up. */
  private readonly heldSince = new WeakMap<SubscriberSocket, number>()
  private tickPending = false
  /** The socket list budgets were last trimmed for: the list only changes when sockets do. */
  private trimmedFor: SubscriberSocket[] | null = null
  /** Sockets cut off with ConsumerTooSlow since this pump started. */
  cutOff = 0
  private turn = 0

  constructor(
    private readonly source: FrameSource,
    private readonly sockets: () => SubscriberSocket[],
    private readonly limits: PumpLimits = DEFAULT_LIMITS,
    private readonly clock: PumpClock = SYSTEM_CLOCK,
  ) {
    this.cache = new FrameCache(2_000, 2 * limits.pageBytes)
    this.budgets = new ClientBudgets({
      bytesPerSec: limits.clientBytesPerSec,
      burstBytes: limits.clientBurstBytes,
    })
  }

  /**
   * Learns of a head, and of frames the sequencer handed over with it, and makes sure
   * a pass runs; resolves when no pass is due now (sockets held back wait for a tick).
   */
  wake(head: number, frames: StoredFrame[] = []): Promise<void> {
    this.cache.add(frames)
    this.head = Math.max(this.head, head)
    return this.runner.wake()
  }

  /** Resolves when the current run of passes (if any) ends. */
  idle(): Promise<void> {
    return this.runner.idle()
  }

  /** One round over the lagging sockets; true when another round should follow at once. */
  private async pass(): Promise<boolean> {
    const all = this.sockets()
    if (all !== this.trimmedFor) {
      this.budgets.keepOnly(new Set(all.map((s) => s.client)))
      this.trimmedFor = all
    }
    const now = this.clock.now()
    const lagging = all.filter((s) => {
      if (s.state.sentSeq < this.head) return true
      this.heldSince.delete(s)
      return false
    })
    // Sockets whose client has no credit wait for the next tick, and need no read.
    const ready = lagging.filter((s) => this.budgets.credit(s.client, now) > 0)
    const window = await this.readWindow(ready)
    // A different first socket each pass, so one client's sockets share its budget.
    const start = lagging.length > 0 ? this.turn++ % lagging.length : 0
    let again = false
    let held = false
    let sliceSends = 0
    for (let i = 0; i < lagging.length; i++) {
      if (sliceSends >= this.limits.sendsPerSlice) {
        await this.clock.pause()
        sliceSends = 0
      }
      const socket = lagging[(start + i) % lagging.length] as SubscriberSocket
      const sentBefore = socket.state.sentSeq
      const served = this.serve(socket, window, now)
      sliceSends += Math.max(1, socket.state.sentSeq - sentBefore)
      if (served === 'more' || (served === 'waiting' && window.read)) again = true
      if (served === 'held') held = true
    }
    if (held && !again) this.scheduleTick()
    this.dropUnneeded()
    return again
  }

  /** Frames at or below every socket's sentSeq are needed by none of them: dropped at once. */
  private dropUnneeded(): void {
    let lowest = this.head
    for (const s of this.sockets()) lowest = Math.min(lowest, s.state.sentSeq)
    this.cache.dropThrough(lowest)
  }

  /** Reads one window from the lowest position a ready socket needs and the cache lacks. */
  private async readWindow(ready: SubscriberSocket[]): Promise<Window> {
    let from = Number.POSITIVE_INFINITY
    for (const s of ready) if (!this.cache.has(s.state.sentSeq + 1)) from = Math.min(from, s.state.sentSeq)
    if (from === Number.POSITIVE_INFINITY) return { read: false }
    const page = await this.source.read(from, this.limits.pageSize, this.limits.pageBytes)
    this.head = Math.max(this.head, page.head)
    this.cache.add(page.frames)
    return { read: page.frames.length > 0, from, first: page.frames[0]?.seq }
  }

  private serve(socket: SubscriberSocket, window: Window, now: number): Served {
    const state = { ...socket.state }
    const { from, first } = window
    const pruned =
      from !== undefined && first !== undefined && state.sentSeq >= from && state.sentSeq + 1 < first
    if (pruned && !this.cache.has(state.sentSeq + 1)) {
      // Events between the cursor and the oldest kept one were pruned.
      socket.send(OUTDATED)
      state.sentSeq = first - 1
    }
    let served: Served = 'waiting'
    for (let sent = 0; ; sent++) {
      if (state.sentSeq >= this.head) {
        served = 'caught-up'
        break
      }
      if (this.budgets.credit(socket.client, now) <= 0) {
        served = 'held'
        break
      }
      const frame = this.cache.get(state.sentSeq + 1)
      if (!frame) break
      if (sent >= this.limits.batchFrames) {
        served = 'more'
        break
      }
      socket.send(frame)
      this.budgets.spend(socket.client, frame.byteLength, now)
      state.sentSeq += 1
    }
    if (state.sentSeq >= this.head) state.phase = 'live'
    // A socket held back or waiting changed nothing: no attachment write for it.
    const before = socket.state
    if (state.sentSeq !== before.sentSeq || state.phase !== before.phase) socket.setState(state)
    if (served === 'caught-up') this.heldSince.delete(socket)
    if (served === 'held' && !this.heldSince.has(socket)) this.heldSince.set(socket, now)
    if (this.tooSlow(socket, now)) {
      socket.send(errorFrame('ConsumerTooSlow', 'Stream consumer too slow'))
      socket.close(1008, 'ConsumerTooSlow')
      this.heldSince.delete(socket)
      this.cutOff += 1
      return 'cut-off'
    }
    return served
  }

  /**
   * Held back for longer than the grace: the reader is presumed slower than the rate (see
   * the policy above). When the runtime does report queued bytes, too many is enough.
   */
  private tooSlow(socket: SubscriberSocket, now: number): boolean {
    const since = this.heldSince.get(socket)
    if (since !== undefined && now - since > this.limits.slowGraceMs) return true
    const buffered = socket.bufferedAmount()
    return buffered !== undefined && buffered > this.limits.maxBufferedBytes
  }

  private scheduleTick(): void {
    if (this.tickPending) return
    this.tickPending = true
    this.clock.later(() => {
      this.tickPending = false
      void this.runner.wake()
    }, this.limits.tickMs)
  }
}
