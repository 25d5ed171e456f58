import { CoalescingRunner } from '../../shared/coalescing-runner'
import type { StoredFrame } from '../../shared/event-frame'
import { errorFrame, messageFrame } from '../../shared/event-frame'
import { FrameCache } from '../../shared/frame-cache'
import type { ReadResult } from '../sequencer'
import type { SubscriptionState } from './subscription-state'

/** One subscriber socket as the pump sees it. */
export interface SubscriberSocket {
  readonly state: SubscriptionState
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

export type PumpLimits = {
  /** Frames and bytes per read from the sequencer. */
  pageSize: number
  pageBytes: number
  /** Frames sent to one socket per pass before the others get their turn. */
  batchFrames: number
  /** A socket with more than this many bytes queued for its peer is cut off with ConsumerTooSlow. */
  maxBufferedBytes: number
}

export const DEFAULT_LIMITS: PumpLimits = {
  pageSize: 500,
  pageBytes: 8 * 1024 * 1024,
  batchFrames: 250,
  maxBufferedBytes: 16 * 1024 * 1024,
}

const OUTDATED = messageFrame('#info', {
  name: 'OutdatedCursor',
  message: 'Requested cursor exceeded limit. Possibly missing events',
})

/**
 * Moves every socket of a shard from its `sentSeq` to the head. Only one pass runs
 * at a time; wakes during a pass schedule another. Each pass reads once per
 * position the shared cache cannot serve, then gives each socket a bounded batch,
 * so a socket far behind never holds up the others. Sends never wait on a peer.
 */
export class ShardPump {
  private head = 0
  private readonly runner = new CoalescingRunner(async () => {
    while (await this.pass()) {}
    return true
  })
  private readonly cache = new FrameCache()

  constructor(
    private readonly source: FrameSource,
    private readonly sockets: () => SubscriberSocket[],
    private readonly limits: PumpLimits = DEFAULT_LIMITS,
  ) {}

  /**
   * Learns of a head, and of frames the sequencer handed over with it, and makes sure
   * a pass runs; resolves when the sockets are caught up.
   */
  wake(head: number, frames: StoredFrame[] = []): Promise<void> {
    this.cache.add(frames)
    this.head = Math.max(this.head, head)
    return this.runner.wake()
  }

  /** One round over the lagging sockets; false when nothing moved (done, or nothing to read). */
  private async pass(): Promise<boolean> {
    const lagging = this.sockets().filter((s) => s.state.sentSeq < this.head)
    // Reading right before serving keeps a page in the cache while it is used.
    const firstAfter = new Map<number, number | undefined>()
    let moved = false
    for (const s of lagging) {
      const pos = s.state.sentSeq
      if (!this.cache.has(pos + 1) && !firstAfter.has(pos)) {
        const page = await this.source.read(pos, this.limits.pageSize, this.limits.pageBytes)
        this.head = Math.max(this.head, page.head)
        this.cache.add(page.frames)
        firstAfter.set(pos, page.frames[0]?.seq)
      }
      if (this.serve(s, firstAfter.get(pos))) moved = true
    }
    return moved
  }

  /** Sends the socket its next batch; `first` is the first stored seq after its position, if read. */
  private serve(socket: SubscriberSocket, first: number | undefined): boolean {
    const state = { ...socket.state }
    if (!this.cache.has(state.sentSeq + 1) && first !== undefined && first > state.sentSeq + 1) {
      // Events between the cursor and the oldest kept one were pruned.
      socket.send(OUTDATED)
      state.sentSeq = first - 1
    }
    let sent = 0
    for (let frame = this.cache.get(state.sentSeq + 1); frame && sent < this.limits.batchFrames; sent++) {
      socket.send(frame)
      state.sentSeq += 1
      frame = this.cache.get(state.sentSeq + 1)
    }
    if (state.sentSeq >= this.head) state.phase = 'live'
    socket.setState(state)
    if (this.tooSlow(socket)) {
      socket.send(errorFrame('ConsumerTooSlow', 'Stream consumer too slow'))
      socket.close(1008, 'ConsumerTooSlow')
      return false
    }
    return sent > 0
  }

  /**
   * Sends never block, so the only sign of a consumer that stopped reading is the
   * bytes queued for it. Lag in events is not one: a burst can put a healthy socket
   * far behind until the next pass. @NOTE workerd does not report `bufferedAmount`
   * yet (workerd#988); until it does, a stalled peer costs shard memory, not time.
   */
  private tooSlow(socket: SubscriberSocket): boolean {
    const buffered = socket.bufferedAmount()
    return buffered !== undefined && buffered > this.limits.maxBufferedBytes
  }
}
