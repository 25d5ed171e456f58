import { type Clock, systemClock } from '../../shared/clock'
import { type StoredFrame, sequencedFrame } from '../../shared/event-frame'
import { sqlLimit } from '../../shared/sqlite-order'
import type { Appended, EventLog, IncomingEvent, RetainedStats } from './event-log'

type Entry = { seq: number; sequencedAt: number; frame: Uint8Array }

/** The event log in memory, for tests that run without workerd. */
export class MemoryEventLog implements EventLog {
  /** In seq order: seqs are appended increasing and pruning removes from anywhere. */
  private entries: Entry[] = []
  private lastSeq = 0
  private lastOutbox = 0

  constructor(private readonly clock: Clock = systemClock) {}

  append(events: IncomingEvent[], now = this.clock.now()): Appended {
    // Frames are built before anything changes, so a throw leaves the log as it was.
    let seq = this.lastSeq
    let lastOutboxId = this.lastOutbox
    const added: Entry[] = []
    for (const e of events) {
      if (e.outboxId <= lastOutboxId) continue // redelivery
      seq += 1
      lastOutboxId = e.outboxId
      added.push({ seq, sequencedAt: now, frame: sequencedFrame(e.type, e.body, seq) })
    }
    this.entries.push(...added)
    this.lastSeq = seq
    this.lastOutbox = lastOutboxId
    return { lastOutboxId, head: seq, added: added.map(copyFrame) }
  }

  head(): number {
    return this.lastSeq
  }

  lastOutboxId(): number {
    return this.lastOutbox
  }

  oldest(): number | null {
    return this.entries[0]?.seq ?? null
  }

  read(after: number, limit: number, maxBytes: number): StoredFrame[] {
    const out: StoredFrame[] = []
    let bytes = 0
    for (const entry of this.entries.filter((e) => e.seq > after).slice(0, sqlLimit(limit))) {
      if (out.length > 0 && bytes + entry.frame.byteLength > maxBytes) break
      out.push(copyFrame(entry))
      bytes += entry.frame.byteLength
    }
    return out
  }

  stats(): RetainedStats {
    const bytes = this.entries.reduce((n, e) => n + e.frame.byteLength, 0)
    return { events: this.entries.length, bytes, oldestAt: this.entries[0]?.sequencedAt ?? null }
  }

  prune(before: number, keep: number): number {
    const cutoff = this.head() - keep
    if (cutoff <= 0) return 0
    const kept = this.entries.filter((e) => !(e.seq <= cutoff && e.sequencedAt < before))
    const removed = this.entries.length - kept.length
    this.entries = kept
    return removed
  }
}

const copyFrame = (e: { seq: number; frame: Uint8Array }): StoredFrame => ({
  seq: e.seq,
  frame: e.frame.slice(),
})
