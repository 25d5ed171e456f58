import type { FirehoseSubscriber } from './firehose-subscriber'

type Seen = { scanned: number; revs: Set<string>; ackedHeld: number }

/**
 * Follows, while a phase runs, how many of the acknowledged revs each subscriber has
 * processed, reading only the deliveries added since the last look. A frame can arrive
 * before its write's response does, so an ack also credits subscribers that already
 * hold the rev. Used for progress and to know when the drain is over; the final counts
 * come from `delivery-count.ts`.
 */
export class DeliveryTracker {
  private readonly acked = new Set<string>()
  private readonly seen = new Map<FirehoseSubscriber, Seen>()

  constructor(private readonly subs: readonly FirehoseSubscriber[]) {
    for (const s of subs) this.seen.set(s, { scanned: 0, revs: new Set(), ackedHeld: 0 })
  }

  /** A rev the writer saw acknowledged. */
  ack(rev: string): void {
    if (this.acked.has(rev)) return
    this.acked.add(rev)
    for (const seen of this.seen.values()) if (seen.revs.has(rev)) seen.ackedHeld += 1
  }

  get ackedCount(): number {
    return this.acked.size
  }

  /** Acknowledged revs `sub` has processed so far. */
  progressOf(sub: FirehoseSubscriber): number {
    const seen = this.seen.get(sub)
    if (!seen) return 0
    for (let i = seen.scanned; i < sub.deliveries.length; i++) {
      const rev = sub.deliveries[i]?.rev
      if (rev === undefined || seen.revs.has(rev)) continue
      seen.revs.add(rev)
      if (this.acked.has(rev)) seen.ackedHeld += 1
    }
    seen.scanned = sub.deliveries.length
    return seen.ackedHeld
  }

  /** True once `sub` holds every acknowledged rev, or can no longer get them (closed). */
  isDone(sub: FirehoseSubscriber): boolean {
    return sub.closed !== null || this.progressOf(sub) >= this.acked.size
  }

  /** The fewest acknowledged revs any of `subs` has processed. */
  minProgress(subs: readonly FirehoseSubscriber[] = this.subs): number {
    let min = this.acked.size
    for (const s of subs) min = Math.min(min, this.progressOf(s))
    return min
  }
}
