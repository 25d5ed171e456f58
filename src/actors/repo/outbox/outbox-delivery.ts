import { type Clock, systemClock } from '../../../shared/clock'
import { CoalescingRunner } from '../../../shared/coalescing-runner'
import type { EventType } from '../../../shared/event-frame'
import type { Logger } from '../../../shared/logger'
import type { IncomingEvent } from '../../sequencer'
import type { CommittedTail } from './committed-tail'
import type { Outbox } from './outbox'

/**
 * How commits' deliveries are spaced (`wakeSoon`): a round starts at most once per `gapMs`.
 * `sleep` and `clock` are the timer and the time; tests pass their own.
 */
export type DeliveryPacing = { gapMs: number; clock?: Clock; sleep?: (ms: number) => Promise<void> }

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** What delivery needs of the sequencer. */
export type SequencerTarget = { append(events: IncomingEvent[]): Promise<{ lastOutboxId: number }> }

const BATCH_ROWS = 200
const BATCH_BYTES = 8 * 1024 * 1024
/** Delivered rows kept in the outbox for inspection. */
const KEEP_DELIVERED = 1_000
/**
 * Acknowledgements are persisted every this many events, not on every write: after
 * a restart at most this many are sent again, and the sequencer drops them.
 */
const PERSIST_ACK_EVERY = 64
const MAX_BACKOFF_MS = 60_000

/**
 * Hands outbox rows to the sequencer in id order. The sequencer ignores ids it
 * has seen, so a batch whose acknowledgement was lost is simply sent again:
 * delivery is at-least-once on the wire and exactly-once in the log (which also
 * lets the acknowledged id be persisted only now and then). Runs one
 * loop at a time; a wake during a run schedules another. On failure it asks for
 * a retry (a Durable Object alarm) with exponential backoff.
 */
export class OutboxDelivery {
  private readonly runner = new CoalescingRunner(() => this.drain())
  private failures = 0
  /** Highest outbox id the sequencer acknowledged, and the one last written to SQLite. */
  private acked: number | null = null
  private persisted = 0
  /** When the last round started, and the paced wake waiting for its turn (see `wakeSoon`). */
  private lastRound = Number.NEGATIVE_INFINITY
  private pending: Promise<void> | null = null

  constructor(
    private readonly outbox: Outbox,
    private readonly sequencer: SequencerTarget,
    private readonly scheduleRetry: (delayMs: number) => Promise<void>,
    private readonly log: Logger,
    /** The newest committed rows in memory (committed-tail.ts); SQL answers what it cannot. */
    private readonly tail?: Pick<CommittedTail, 'take'>,
    private readonly pacing: DeliveryPacing = { gapMs: 0 },
  ) {}

  /** Starts delivery if it is not running; resolves when the outbox is drained or a retry is scheduled. */
  wake(): Promise<void> {
    return this.runner.wake()
  }

  /**
   * Starts delivery after a commit, at most one round per `pacing.gapMs`: the first commit
   * after a quiet gap goes at once, and the commits of a busy stretch share one round at the
   * gap's end. Each round is a call into the sequencer and, with subscribers, a pass of every
   * shard that holds sockets, so under a steady stream of writes those costs are paid per
   * batch, not per write; an event waits at most one gap longer for the firehose.
   */
  wakeSoon(): Promise<void> {
    if (this.pending) return this.pending
    const wait = this.lastRound + this.pacing.gapMs - this.now()
    if (wait <= 0) return this.wake()
    this.pending = (this.pacing.sleep ?? timerSleep)(wait).then(() => {
      this.pending = null
      return this.wake()
    })
    return this.pending
  }

  /** Resolves when the paced wake waiting (if any) and the delivery in progress end; starts nothing. */
  async idle(): Promise<void> {
    await this.pending
    await this.runner.idle()
  }

  private now(): number {
    return (this.pacing.clock ?? systemClock).now()
  }

  /** Delivers until the outbox is empty; false when it stopped on a failure. */
  private async drain(): Promise<boolean> {
    this.lastRound = this.now()
    if (this.acked === null) {
      this.acked = this.outbox.deliveredThrough()
      this.persisted = this.acked
    }
    for (;;) {
      const rows =
        this.tail?.take(this.acked, BATCH_ROWS, BATCH_BYTES) ??
        this.outbox.read(this.acked, BATCH_ROWS, BATCH_BYTES)
      if (rows.length === 0) return true
      try {
        const events = rows.map((r) => ({ outboxId: r.id, type: r.type as EventType, body: r.body }))
        const { lastOutboxId } = await this.sequencer.append(events)
        this.acked = Math.max(this.acked, lastOutboxId)
        if (this.acked - this.persisted >= PERSIST_ACK_EVERY) {
          this.outbox.markDelivered(this.acked, KEEP_DELIVERED)
          this.persisted = this.acked
        }
        this.failures = 0
        // A short batch drained the outbox; rows written meanwhile triggered another round.
        if (rows.length < BATCH_ROWS) return true
      } catch (e) {
        this.failures += 1
        const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** (this.failures - 1))
        this.log.warn('outbox delivery failed; retrying', { error: String(e), delayMs: delay })
        await this.scheduleRetry(delay)
        return false
      }
    }
  }

  /** The highest acknowledged outbox id (persisted or not). */
  deliveredThrough(): number {
    return this.acked ?? this.outbox.deliveredThrough()
  }
}
