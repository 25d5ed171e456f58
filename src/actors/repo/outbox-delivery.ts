import type { EventType } from '../../shared/event-frame'
import type { Logger } from '../../shared/logger'
import type { IncomingEvent } from '../sequencer/event-log'
import type { Outbox } from './outbox'

/** What delivery needs of the sequencer. */
export type SequencerTarget = { append(events: IncomingEvent[]): Promise<{ lastOutboxId: number }> }

const BATCH_ROWS = 200
const BATCH_BYTES = 8 * 1024 * 1024
/** Delivered rows kept in the outbox for inspection. */
const KEEP_DELIVERED = 1_000
const MAX_BACKOFF_MS = 60_000

/**
 * Hands outbox rows to the sequencer in id order. The sequencer ignores ids it
 * has seen, so a batch whose acknowledgement was lost is simply sent again:
 * delivery is at-least-once on the wire and exactly-once in the log. Runs one
 * loop at a time; a kick during a run schedules another. On failure it asks for
 * a retry (a Durable Object alarm) with exponential backoff.
 */
export class OutboxDelivery {
  private running: Promise<void> | null = null
  private again = false
  private failures = 0

  constructor(
    private readonly outbox: Outbox,
    private readonly sequencer: SequencerTarget,
    private readonly scheduleRetry: (delayMs: number) => Promise<void>,
    private readonly log: Logger,
  ) {}

  /** Starts delivery if it is not running; resolves when the outbox is drained or a retry is scheduled. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = this.loop().finally(() => {
      this.running = null
    })
    return this.running
  }

  private async loop(): Promise<void> {
    do {
      this.again = false
      if (!(await this.drain())) return
    } while (this.again)
  }

  /** Delivers until the outbox is empty; false when it stopped on a failure. */
  private async drain(): Promise<boolean> {
    for (;;) {
      const rows = this.outbox.read(this.outbox.deliveredThrough(), BATCH_ROWS, BATCH_BYTES)
      if (rows.length === 0) return true
      try {
        const events = rows.map((r) => ({ outboxId: r.id, type: r.type as EventType, body: r.body }))
        const { lastOutboxId } = await this.sequencer.append(events)
        this.outbox.markDelivered(lastOutboxId, KEEP_DELIVERED)
        this.failures = 0
      } catch (e) {
        this.failures += 1
        const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** (this.failures - 1))
        this.log.warn('outbox delivery failed; retrying', { error: String(e), delayMs: delay })
        await this.scheduleRetry(delay)
        return false
      }
    }
  }
}
