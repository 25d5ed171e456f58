import type { ShardLoad, ShardSet } from './sequencer'

/** How many shards there are, and how many sockets one takes before the next is used. */
export type PlacementLimits = { shards: number; fill: number }

/** How long a placement the shard has not yet reported counts, in ms. */
const PENDING_MS = 30_000

/**
 * Chooses the subscriber shard of a client's next socket. A client that has sockets on a
 * shard, or was just placed on one, goes there again, so one shard holds all of a
 * client's sockets and counts them exactly. A new client goes to the lowest shard holding
 * fewer than `fill` sockets (the least loaded when none does), so sockets fill as few
 * shards as needed and the sequencer wakes only those for each event.
 *
 * What a shard holds comes from its own reports (sqlShardSet keeps them across restarts);
 * a placement counts as one socket there until the shard reports the client, or for
 * PENDING_MS when it never does (the upgrade was refused or failed).
 */
export class ShardPlacement {
  /** Where each reported client's sockets are. */
  private byClient = new Map<string, string>()
  private readonly pending = new Map<string, { shard: string; at: number }>()

  constructor(
    private readonly set: ShardSet,
    private readonly nameOf: (index: number) => string,
    private readonly limits: PlacementLimits,
    private readonly now: () => number,
  ) {
    this.index()
  }

  /** The shard `client`'s next socket goes to. */
  place(client: string): string {
    const now = this.now()
    for (const [c, p] of this.pending) if (now - p.at > PENDING_MS) this.pending.delete(c)
    const known = this.byClient.get(client) ?? this.pending.get(client)?.shard
    if (known !== undefined) return known
    const shard = this.choose()
    this.pending.set(client, { shard, at: now })
    return shard
  }

  /** What shard `name` now holds; a shard with no sockets holds no client. */
  report(name: string, load: ShardLoad): void {
    this.set.set(name, load)
    for (const client of load.clients) this.pending.delete(client)
    this.index()
  }

  private choose(): string {
    const sockets = new Map<string, number>()
    for (const [name, load] of this.set.loads()) sockets.set(name, load.sockets)
    for (const p of this.pending.values()) sockets.set(p.shard, (sockets.get(p.shard) ?? 0) + 1)
    let least = this.nameOf(0)
    for (let i = 0; i < this.limits.shards; i++) {
      const name = this.nameOf(i)
      const held = sockets.get(name) ?? 0
      if (held < this.limits.fill) return name
      if (held < (sockets.get(least) ?? 0)) least = name
    }
    return least
  }

  private index(): void {
    this.byClient = new Map()
    for (const [name, load] of this.set.loads())
      for (const client of load.clients) this.byClient.set(client, name)
  }
}
