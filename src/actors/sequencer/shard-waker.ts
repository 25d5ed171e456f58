import type { StoredFrame } from './event-log'

/** What the sequencer needs of a subscriber shard. */
export type ShardTarget = { wake(head: number, frames: StoredFrame[]): Promise<unknown> }

/** Frames in (after, head] from memory, or null when any of them is not there. */
export type RecentFrames = (after: number, head: number) => StoredFrame[] | null

/**
 * Tells registered subscriber shards that the log grew, and hands them the new
 * frames when it has them all in memory, so a shard that is keeping up needs no
 * read of its own. At most one call per shard is in flight; heads that arrive
 * meanwhile coalesce into one follow-up call with the newest head. Callers never
 * await it: fan-out stays off the write path.
 */
export class ShardWaker {
  private readonly inFlight = new Set<string>()
  private readonly pending = new Map<string, number>()
  /** The head each shard last acknowledged: where its next frames start. */
  private readonly acknowledged = new Map<string, number>()
  /**
   * Each shard's stub, made once (naming a Durable Object hashes its name); dropped after
   * a failed call, since a stub whose object broke stays broken.
   */
  private readonly targets = new Map<string, ShardTarget>()
  /** The shards the last wake went to. */
  private names: string[] = []

  constructor(
    private readonly shard: (name: string) => ShardTarget,
    private readonly recent: RecentFrames,
    private readonly onError: (name: string, error: unknown) => void,
    /** Told the seq through which every woken shard that acknowledged has its frames. */
    private readonly release: (through: number) => void = () => {},
  ) {}

  wake(names: Iterable<string>, head: number): void {
    this.names = [...names]
    for (const name of this.names) this.wakeOne(name, head)
  }

  /**
   * Frames every acknowledging shard has are needed by none: a shard that never
   * acknowledged is handed no frames (it reads its own), so it holds nothing back.
   */
  private releaseAcknowledged(): void {
    let lowest = Number.POSITIVE_INFINITY
    for (const name of this.names) lowest = Math.min(lowest, this.acknowledged.get(name) ?? lowest)
    if (lowest !== Number.POSITIVE_INFINITY) this.release(lowest)
  }

  private wakeOne(name: string, head: number): void {
    if (this.inFlight.has(name)) {
      this.pending.set(name, Math.max(head, this.pending.get(name) ?? 0))
      return
    }
    this.inFlight.add(name)
    const after = this.acknowledged.get(name)
    const frames = after === undefined ? [] : (this.recent(after, head) ?? [])
    let target = this.targets.get(name)
    if (!target) {
      target = this.shard(name)
      this.targets.set(name, target)
    }
    target
      .wake(head, frames)
      .then(() => {
        this.acknowledged.set(name, Math.max(head, this.acknowledged.get(name) ?? 0))
        this.releaseAcknowledged()
      })
      .catch((e) => {
        this.acknowledged.delete(name)
        this.targets.delete(name)
        this.onError(name, e)
      })
      .finally(() => {
        this.inFlight.delete(name)
        const next = this.pending.get(name)
        if (next !== undefined) {
          this.pending.delete(name)
          this.wakeOne(name, next)
        }
      })
  }
}
