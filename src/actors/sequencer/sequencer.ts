import type { RetentionPolicy } from '../../shared/config'
import type { StoredFrame } from '../../shared/event-frame'
import { FrameCache } from '../../shared/frame-cache'
import type { Logger } from '../../shared/logger'
import type { CrawlRequester } from './crawl-requester'
import type { EventLog, IncomingEvent, RetainedStats } from './event-log'
import type { RelayHealth, RelayRecord } from './relay-health'
import { type PlacementLimits, ShardPlacement } from './shard-placement'
import type { ShardWaker } from './shard-waker'

export type LogInfo = { head: number; oldest: number | null }
export type ReadResult = LogInfo & { frames: StoredFrame[] }

/** The firehose's figures for the status page. */
export type SequencerFigures = {
  head: number
  oldestSeq: number | null
  retained: RetainedStats
  /** Shards that hold sockets. */
  shards: string[]
  relays: RelayRecord[]
}

/** What a subscriber shard holds: its open sockets and the keys of their clients. */
export type ShardLoad = { sockets: number; clients: readonly string[] }

/** The shards that hold sockets and what each reported, kept across restarts. */
export type ShardSet = {
  names(): Iterable<string>
  loads(): ReadonlyMap<string, ShardLoad>
  /** A load of no sockets removes the shard. */
  set(name: string, load: ShardLoad): void
}

export type SequencerDeps = {
  log: EventLog
  shards: ShardSet
  /** Where new clients' sockets go (see ShardPlacement); `nameOf` names shard n. */
  placement: PlacementLimits & { nameOf: (index: number) => string }
  /**
   * Builds a waker over the shards given a source of the newest frames, and what to call
   * once every shard has frames through a seq.
   */
  waker: (
    recent: (after: number, head: number) => StoredFrame[] | null,
    release: (through: number) => void,
  ) => ShardWaker
  crawler: CrawlRequester
  /** Self-healing crawl, run on the alarm (absent in tests that do not need it). */
  relayHealth?: RelayHealth
  retention: RetentionPolicy
  /** Makes sure a prune is scheduled (the actor's alarm). */
  schedulePrune: () => Promise<void>
  /** Keeps background work (crawl requests) alive past the RPC call. */
  waitUntil: (p: Promise<unknown>) => void
  now: () => number
  logger: Logger
}

/**
 * Sequencing: assigns `seq` to events from the repo actor's outbox, keeps them as the
 * replay buffer, wakes the shards that hold sockets when the log grows, asks relays to
 * crawl while events flow, and prunes past retention.
 */
export class Sequencer {
  /**
   * The newest frames, handed to shards with each wake so most need no read; dropped once
   * every shard acknowledged them, so it holds only what a wake in flight will hand over.
   */
  private readonly recent = new FrameCache(512, 4 * 1024 * 1024)
  private readonly waker: ShardWaker
  private readonly placement: ShardPlacement
  private pruneScheduled = false

  constructor(private readonly deps: SequencerDeps) {
    this.waker = deps.waker(
      (after, head) => this.recent.range(after, head),
      (through) => this.recent.dropThrough(through),
    )
    const { nameOf, ...limits } = deps.placement
    this.placement = new ShardPlacement(deps.shards, nameOf, limits, deps.now)
  }

  /** Sequences a batch; redelivered events are ignored. */
  async append(events: IncomingEvent[]): Promise<{ lastOutboxId: number; head: number }> {
    const now = this.deps.now()
    const result = this.deps.log.append(events, now)
    if (result.added.length > 0) {
      this.recent.add(result.added)
      this.waker.wake(this.deps.shards.names(), result.head)
      for (const request of this.deps.crawler.maybeRequest(now)) this.deps.waitUntil(request)
      if (!this.pruneScheduled) {
        await this.deps.schedulePrune()
        this.pruneScheduled = true
      }
    }
    return { lastOutboxId: result.lastOutboxId, head: result.head }
  }

  info(): LogInfo {
    return { head: this.deps.log.head(), oldest: this.deps.log.oldest() }
  }

  /** A page of frames with seq > `after`, plus where the log stands. */
  read(after: number, limit: number, maxBytes: number): ReadResult {
    return { frames: this.deps.log.read(after, limit, maxBytes), ...this.info() }
  }

  /** The highest outbox id already sequenced: where the repo actor resumes delivery. */
  lastOutboxId(): number {
    return this.deps.log.lastOutboxId()
  }

  /** The subscriber shard a new socket of `client` goes to. */
  placeClient(client: string): string {
    return this.placement.place(client)
  }

  /**
   * What shard `name` holds now: woken from now on while it holds sockets. Answers the
   * head, which the shard's new sockets start from.
   */
  reportShard(name: string, load: ShardLoad): number {
    this.placement.report(name, load)
    return this.deps.log.head()
  }

  /** The figures the status page shows. */
  figures(): SequencerFigures {
    return {
      head: this.deps.log.head(),
      oldestSeq: this.deps.log.oldest(),
      retained: this.deps.log.stats(),
      shards: [...this.deps.shards.names()],
      relays: this.deps.relayHealth?.records() ?? [],
    }
  }

  /** The hourly alarm: prune, then ask each relay whether it still follows this host. */
  async onAlarm(): Promise<void> {
    this.prune()
    await this.deps.relayHealth?.checkAll()
  }

  /** Drops events past retention; `policy` overrides the configured one (tests, operators). */
  prune(policy: RetentionPolicy = this.deps.retention): number {
    const removed = this.deps.log.prune(this.deps.now() - policy.maxAgeMs, policy.minEvents)
    if (removed > 0) this.deps.logger.info('pruned events', { removed })
    return removed
  }
}
