import type { OutboxEvent } from '../commit/firehose-events'

/** An outbox row; `id` is the idempotency key the sequencer deduplicates by. */
export type OutboxRow = { id: number; type: string; rev: string | null; body: Uint8Array; createdAt: string }

/**
 * Events written in the same transaction as the commit that caused them, waiting
 * to be handed to the sequencer in id order. Ids only grow, and are never reused
 * even after rows are dropped. Implementations: `SqlOutbox`, `MemoryOutbox` (tests).
 */
export interface Outbox {
  /** Stores an event and returns its id, greater than every id handed out before. */
  append(event: OutboxEvent, now: string): number
  /** The id through which the sequencer has acknowledged events (0 before any). */
  deliveredThrough(): number
  /**
   * Records an acknowledgement (the persisted id never goes back) and drops the rows
   * with id at or below `through - keep` (the newest delivered ones are kept for inspection).
   */
  markDelivered(through: number, keep: number): void
  /**
   * Rows after `afterId` in id order, up to `limit` rows and about `maxBytes` of bodies:
   * always at least one row when there is one, then none that would pass `maxBytes`.
   */
  read(afterId: number, limit: number, maxBytes?: number): OutboxRow[]
}
