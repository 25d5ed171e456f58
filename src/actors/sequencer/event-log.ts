import type { EventType, StoredFrame } from '../../shared/event-frame'

/** An event handed over by the repo actor; `outboxId` is its idempotency key. */
export type IncomingEvent = { outboxId: number; type: EventType; body: Uint8Array }

export type { StoredFrame }

/** What the log retains, for the status page; `oldestAt` is ms since the epoch. */
export type RetainedStats = { events: number; bytes: number; oldestAt: number | null }

/** What `append` did: the outbox id and seq it stands at, and the frames it added. */
export type Appended = { lastOutboxId: number; head: number; added: StoredFrame[] }

/**
 * The persisted, sequenced event log: the firehose's replay buffer.
 *
 * Invariants: `seq` starts at 1 and only grows, with no gaps between appended events,
 * and is never reused, even after pruning empties the log. An event whose outbox id
 * is at or below the last one sequenced is a redelivery and is dropped. Frames are
 * encoded once, at append, and read back byte for byte.
 * Implementations: `SqlEventLog` (Durable Object SQLite), `MemoryEventLog` (tests).
 */
export interface EventLog {
  /**
   * Sequences the events not seen before (by outbox id), in order, all or none;
   * `now` (ms, default the log's clock) is their sequencing time, for retention.
   */
  append(events: IncomingEvent[], now?: number): Appended
  /** The newest seq ever assigned (0 before the first event). */
  head(): number
  /** The highest outbox id sequenced (0 before the first event). */
  lastOutboxId(): number
  /** The oldest retained seq, or null when the log holds nothing. */
  oldest(): number | null
  /** Frames with seq > `after`, in order, up to `limit` frames and about `maxBytes`; at least one if any. */
  read(after: number, limit: number, maxBytes: number): StoredFrame[]
  /** How many events and frame bytes are retained, and when the oldest was sequenced. */
  stats(): RetainedStats
  /** Deletes events sequenced before `before` (ms) except the newest `keep` seqs; returns how many. */
  prune(before: number, keep: number): number
}
