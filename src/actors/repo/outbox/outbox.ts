import type { OutboxEvent } from '../commit/firehose-events'

/** An outbox row; `id` is the idempotency key the sequencer deduplicates by. */
export type OutboxRow = { id: number; type: string; rev: string | null; body: Uint8Array; createdAt: string }

type Row = { id: number; type: string; rev: string | null; body: ArrayBuffer; created_at: string }

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

  /** The id through which the sequencer has acknowledged events. */
  deliveredThrough(): number {
    return this.sql
      .exec<{ d: number }>('SELECT delivered_through AS d FROM outbox_delivery WHERE id = 1')
      .one().d
  }

  /** Records an acknowledgement and drops delivered rows beyond the newest `keep` (kept for inspection). */
  markDelivered(through: number, keep: number): void {
    this.sql.exec(
      'UPDATE outbox_delivery SET delivered_through = MAX(delivered_through, ?) WHERE id = 1',
      through,
    )
    this.sql.exec('DELETE FROM outbox WHERE id <= ?', through - keep)
  }

  /** Rows after `afterId` in id order, up to `limit` rows and about `maxBytes` of bodies. */
  read(afterId: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): OutboxRow[] {
    const rows = this.sql.exec<Row>('SELECT * FROM outbox WHERE id > ? ORDER BY id LIMIT ?', afterId, limit)
    const out: OutboxRow[] = []
    let bytes = 0
    for (const r of rows) {
      if (out.length > 0 && bytes + r.body.byteLength > maxBytes) break
      bytes += r.body.byteLength
      out.push({ id: r.id, type: r.type, rev: r.rev, body: new Uint8Array(r.body), createdAt: r.created_at })
    }
    return out
  }
}
