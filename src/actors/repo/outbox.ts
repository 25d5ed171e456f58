import type { OutboxEvent } from './commit-event'

/** An outbox row; `id` is the idempotency key the sequencer deduplicates by. */
export type OutboxRow = { id: number; type: string; rev: string | null; body: Uint8Array; createdAt: string }

/**
 * Events written in the same transaction as the commit that caused them, waiting
 * to be handed to the sequencer in id order.
 */
export class Outbox {
  constructor(private readonly sql: SqlStorage) {}

  append(event: OutboxEvent, now: string): number {
    const row = this.sql
      .exec<{ id: number }>(
        'INSERT INTO outbox (type, rev, body, created_at) VALUES (?, ?, ?, ?) RETURNING id',
        event.type,
        event.rev,
        event.body,
        now,
      )
      .one()
    return row.id
  }

  read(afterId: number, limit: number): OutboxRow[] {
    return this.sql
      .exec<{ id: number; type: string; rev: string | null; body: ArrayBuffer; created_at: string }>(
        'SELECT * FROM outbox WHERE id > ? ORDER BY id LIMIT ?',
        afterId,
        limit,
      )
      .toArray()
      .map((r) => ({
        id: r.id,
        type: r.type,
        rev: r.rev,
        body: new Uint8Array(r.body),
        createdAt: r.created_at,
      }))
  }
}
