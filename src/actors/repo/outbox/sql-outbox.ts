import type { OutboxEvent } from '../commit/firehose-events'
import type { Outbox, OutboxRow } from './outbox'

type Row = { id: number; type: string; rev: string | null; body: ArrayBuffer; created_at: string }

/** The outbox on Durable Object SQLite (`outbox` and `outbox_delivery`, migrations 1 and 2). */
export class SqlOutbox implements Outbox {
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

  deliveredThrough(): number {
    return this.sql
      .exec<{ d: number }>('SELECT delivered_through AS d FROM outbox_delivery WHERE id = 1')
      .one().d
  }

  markDelivered(through: number, keep: number): void {
    this.sql.exec(
      'UPDATE outbox_delivery SET delivered_through = MAX(delivered_through, ?) WHERE id = 1',
      through,
    )
    this.sql.exec('DELETE FROM outbox WHERE id <= ?', through - keep)
  }

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
