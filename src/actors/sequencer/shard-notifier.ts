/** What the sequencer needs of a subscriber shard. */
export type ShardTarget = { notify(head: number): Promise<unknown> }

/**
 * Tells registered subscriber shards that the log grew. At most one call per shard
 * is in flight; heads that arrive meanwhile coalesce into one follow-up call with
 * the newest head. Callers never await it: fan-out stays off the write path.
 */
export class ShardNotifier {
  private readonly inFlight = new Set<string>()
  private readonly pending = new Map<string, number>()

  constructor(
    private readonly shard: (name: string) => ShardTarget,
    private readonly onError: (name: string, error: unknown) => void,
  ) {}

  notify(names: Iterable<string>, head: number): void {
    for (const name of names) this.notifyOne(name, head)
  }

  private notifyOne(name: string, head: number): void {
    if (this.inFlight.has(name)) {
      this.pending.set(name, Math.max(head, this.pending.get(name) ?? 0))
      return
    }
    this.inFlight.add(name)
    this.shard(name)
      .notify(head)
      .catch((e) => this.onError(name, e))
      .finally(() => {
        this.inFlight.delete(name)
        const next = this.pending.get(name)
        if (next !== undefined) {
          this.pending.delete(name)
          this.notifyOne(name, next)
        }
      })
  }
}
