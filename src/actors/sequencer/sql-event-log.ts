import { concatBytes } from '@atproto/repo'
import { type Clock, systemClock } from '../../shared/clock'
import { type StoredFrame, sequencedFrame } from '../../shared/event-frame'
import type { Appended, EventLog, IncomingEvent, RetainedStats } from './event-log'

/** Durable Object SQLite caps a BLOB at 2 MB; larger frames are stored in chunks. */
const CHUNK_BYTES = 1_000_000

/**
 * The event log on Durable Object SQLite (`seq_state`, `events`, `event_chunks`).
 * `seq` comes from a counter row that only ever grows (never from the table's max),
 * so pruning can never make a number come back.
 */
export class SqlEventLog implements EventLog {
  /** The counter row, kept in memory: this actor is its only writer. */
  private counters: { last_seq: number; last_outbox_id: number } | null = null

  constructor(
    private readonly sql: SqlStorage,
    private readonly transaction: <T>(fn: () => T) => T,
    private readonly clock: Clock = systemClock,
  ) {}

  append(events: IncomingEvent[], now = this.clock.now()): Appended {
    const result = this.transaction(() => {
      let { last_seq: seq, last_outbox_id: lastOutboxId } = this.state()
      const added: StoredFrame[] = []
      for (const e of events) {
        if (e.outboxId <= lastOutboxId) continue // redelivery
        seq += 1
        lastOutboxId = e.outboxId
        const frame = sequencedFrame(e.type, e.body, seq)
        this.insert(seq, e.type, frame, now)
        added.push({ seq, frame })
      }
      this.sql.exec('UPDATE seq_state SET last_seq = ?, last_outbox_id = ? WHERE id = 1', seq, lastOutboxId)
      return { lastOutboxId, head: seq, added }
    })
    // Only once the transaction committed: a rolled-back append leaves the counters as they were.
    this.counters = { last_seq: result.head, last_outbox_id: result.lastOutboxId }
    return result
  }

  head(): number {
    return this.state().last_seq
  }

  lastOutboxId(): number {
    return this.state().last_outbox_id
  }

  oldest(): number | null {
    const row = this.sql.exec<{ seq: number | null }>('SELECT MIN(seq) AS seq FROM events').one()
    return row.seq
  }

  read(after: number, limit: number, maxBytes: number): StoredFrame[] {
    const rows = this.sql
      .exec<{ seq: number; frame: ArrayBuffer | null; chunk_count: number }>(
        'SELECT seq, frame, chunk_count FROM events WHERE seq > ? ORDER BY seq LIMIT ?',
        after,
        limit,
      )
      .toArray()
    const out: StoredFrame[] = []
    let bytes = 0
    for (const row of rows) {
      const frame = row.frame ? new Uint8Array(row.frame) : this.readChunks(row.seq, row.chunk_count)
      if (out.length > 0 && bytes + frame.byteLength > maxBytes) break
      out.push({ seq: row.seq, frame })
      bytes += frame.byteLength
    }
    return out
  }

  stats(): RetainedStats {
    const row = this.sql
      .exec<{ events: number; bytes: number | null; oldest_at: number | null }>(
        'SELECT COUNT(*) AS events, SUM(LENGTH(frame)) AS bytes, MIN(sequenced_at) AS oldest_at FROM events',
      )
      .one()
    const chunks = this.sql
      .exec<{ bytes: number | null }>('SELECT SUM(LENGTH(bytes)) AS bytes FROM event_chunks')
      .one()
    return { events: row.events, bytes: (row.bytes ?? 0) + (chunks.bytes ?? 0), oldestAt: row.oldest_at }
  }

  prune(before: number, keep: number): number {
    const cutoff = this.head() - keep
    if (cutoff <= 0) return 0
    return this.transaction(() => {
      const where = 'seq <= ? AND sequenced_at < ?'
      this.sql.exec(
        `DELETE FROM event_chunks WHERE seq IN (SELECT seq FROM events WHERE ${where})`,
        cutoff,
        before,
      )
      return this.sql.exec(`DELETE FROM events WHERE ${where}`, cutoff, before).rowsWritten
    })
  }

  private state() {
    this.counters ??= this.sql
      .exec<{ last_seq: number; last_outbox_id: number }>(
        'SELECT last_seq, last_outbox_id FROM seq_state WHERE id = 1',
      )
      .one()
    return this.counters
  }

  private insert(seq: number, type: string, frame: Uint8Array, now: number): void {
    if (frame.byteLength <= CHUNK_BYTES) {
      this.sql.exec(
        'INSERT INTO events (seq, type, sequenced_at, frame) VALUES (?, ?, ?, ?)',
        seq,
        type,
        now,
        frame,
      )
      return
    }
    const count = Math.ceil(frame.byteLength / CHUNK_BYTES)
    this.sql.exec(
      'INSERT INTO events (seq, type, sequenced_at, frame, chunk_count) VALUES (?, ?, ?, NULL, ?)',
      seq,
      type,
      now,
      count,
    )
    for (let i = 0; i < count; i++) {
      const part = frame.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES)
      this.sql.exec('INSERT INTO event_chunks (seq, idx, bytes) VALUES (?, ?, ?)', seq, i, part)
    }
  }

  private readChunks(seq: number, count: number): Uint8Array {
    const parts = this.sql
      .exec<{ bytes: ArrayBuffer }>('SELECT bytes FROM event_chunks WHERE seq = ? ORDER BY idx', seq)
      .toArray()
      .map((r) => new Uint8Array(r.bytes))
    if (parts.length !== count) throw new Error(`event ${seq}: ${parts.length} of ${count} chunks`)
    return concatBytes(parts)
  }
}
