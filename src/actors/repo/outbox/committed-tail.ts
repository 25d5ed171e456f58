import type { Outbox, OutboxRow } from './outbox'

/** Past this many undelivered rows (delivery failing) the tail is dropped: SQL answers. */
const MAX_ROWS = 200

/**
 * The newest committed outbox rows, kept in memory so delivery hands them to the sequencer
 * without reading them back from SQL (one SELECT and a body copy per write).
 *
 * Invariants:
 * - a row joins the tail only when the outermost transaction that appended it commits,
 *   and no transaction around it rolled back; a rolled-back append leaves nothing behind
 *   (its id may be handed out again);
 * - the tail is in id order; `take` answers only when it holds the row right after
 *   `afterId` and every row after it, with no gap: anything else (an isolate restart,
 *   rows appended elsewhere, a dropped tail) is null, and the caller reads SQL.
 */
export class CommittedTail {
  private rows: OutboxRow[] = []
  private staged: OutboxRow[] = []
  private depth = 0

  /** `outbox` with its appends staged here. */
  wrap(outbox: Outbox): Outbox {
    return {
      append: (event, now) => {
        const id = outbox.append(event, now)
        const row = { id, type: event.type, rev: event.rev, body: event.body, createdAt: now }
        // Outside a transaction the statement committed by itself.
        if (this.depth === 0) this.rows.push(row)
        else this.staged.push(row)
        return id
      },
      deliveredThrough: () => outbox.deliveredThrough(),
      markDelivered: (through, keep) => outbox.markDelivered(through, keep),
      read: (afterId, limit, maxBytes) => outbox.read(afterId, limit, maxBytes),
    }
  }

  /** `run` (a transaction runner) with the staged rows joining the tail on commit. */
  transaction(run: <T>(fn: () => T) => T): <T>(fn: () => T) => T {
    return <T>(fn: () => T): T => {
      if (this.depth === 0) this.staged = []
      // A nested transaction that throws rolls back only its own appends (a savepoint),
      // even when the outer one catches and commits.
      const mark = this.staged.length
      this.depth += 1
      let committed = false
      try {
        const out = run(fn)
        committed = true
        return out
      } finally {
        this.depth -= 1
        if (!committed) this.staged.length = mark
        if (this.depth === 0) {
          if (committed) this.rows.push(...this.staged)
          this.staged = []
          if (this.rows.length > MAX_ROWS) this.rows = []
        }
      }
    }
  }

  /** The rows after `afterId`, as `Outbox.read` gives them, when the tail holds them all; else null. */
  take(afterId: number, limit: number, maxBytes = Number.POSITIVE_INFINITY): OutboxRow[] | null {
    const first = this.rows.findIndex((r) => r.id > afterId)
    this.rows = first === -1 ? [] : this.rows.slice(first)
    if (this.rows[0]?.id !== afterId + 1) return null
    const out: OutboxRow[] = []
    let bytes = 0
    for (const r of this.rows) {
      if (out.length >= limit || (out.length > 0 && bytes + r.body.byteLength > maxBytes)) break
      if (r.id !== afterId + 1 + out.length) return null
      bytes += r.body.byteLength
      out.push(r)
    }
    return out
  }
}
