import { sqlLimit } from '../../../shared/sqlite-order'
import type { OutboxEvent } from '../commit/firehose-events'
import type { Outbox, OutboxRow } from './outbox'

/** The outbox in memory, for tests that run without workerd. */
export class MemoryOutbox implements Outbox {
  /** In id order: ids are handed out increasing and rows only leave from the front. */
  private readonly rows: OutboxRow[] = []
  private lastId = 0
  private delivered = 0

  append(event: OutboxEvent, now: string): number {
    this.lastId += 1
    this.rows.push({
      id: this.lastId,
      type: event.type,
      rev: event.rev,
      body: event.body.slice(),
      createdAt: now,
    })
    return this.lastId
  }

  deliveredThrough(): number {
    return this.delivered
  }

  markDelivered(through: number, keep: number): void {
    this.delivered = Math.max(this.delivered, through)
    const drop = this.rows.findIndex((r) => r.id > through - keep)
    this.rows.splice(0, drop === -1 ? this.rows.length : drop)
  }

  read(afterId: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): OutboxRow[] {
    const out: OutboxRow[] = []
    let bytes = 0
    for (const r of this.rows.filter((r) => r.id > afterId).slice(0, sqlLimit(limit))) {
      if (out.length > 0 && bytes + r.body.byteLength > maxBytes) break
      bytes += r.body.byteLength
      out.push({ ...r, body: r.body.slice() })
    }
    return out
  }
}
