import { DurableObject } from 'cloudflare:workers'
import { FrameCache } from '../../shared/frame-cache'
import { createLogger } from '../../shared/logger'
import { runMigrations } from '../../shared/sql-migrations'
import { shardStub } from '../subscribers'
import { CrawlRequester, relaysFromEnv } from './crawl-requester'
import type { EventLog, IncomingEvent, StoredFrame } from './event-log'
import { SEQUENCER_MIGRATIONS } from './migrations'
import { retentionFromEnv } from './retention'
import { ShardWaker } from './shard-waker'
import { SqlEventLog } from './sql-event-log'

const log = createLogger('seq')
const PRUNE_INTERVAL_MS = 60 * 60 * 1000

export type LogInfo = { head: number; oldest: number | null }
export type ReadResult = LogInfo & { frames: StoredFrame[] }

/**
 * The sequencer actor: assigns `seq` to events handed over by the repo actor,
 * keeps them as the replay buffer, and tells the subscriber shards that have
 * sockets when the log grows. A thin shell over EventLog and ShardWaker.
 */
export class SequencerActor extends DurableObject<Env> {
  private readonly log: EventLog
  private readonly shards = new Set<string>()
  private readonly waker: ShardWaker
  private readonly crawler: CrawlRequester
  private pruneScheduled = false
  /** The newest frames, handed to shards with each notification. */
  private readonly recent = new FrameCache(512, 8 * 1024 * 1024)

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.log = new SqlEventLog(ctx.storage.sql, (fn) => ctx.storage.transactionSync(fn))
    this.waker = new ShardWaker(
      (name) => shardStub(env, name),
      (after, head) => this.recent.range(after, head),
      (name, e) => log.warn('shard wake failed', { shard: name, error: String(e) }),
    )
    const hostname = env.PDS_HOSTNAME ?? ''
    this.crawler = new CrawlRequester(relaysFromEnv(env.RELAYS, hostname), hostname, fetch, (relay, e) =>
      log.warn('requestCrawl failed', { relay, error: String(e) }),
    )
    ctx.blockConcurrencyWhile(async () => {
      runMigrations(ctx.storage, SEQUENCER_MIGRATIONS)
      for (const row of ctx.storage.sql.exec<{ name: string }>('SELECT name FROM shards'))
        this.shards.add(row.name)
    })
  }

  /** Sequences a batch from the repo actor's outbox; redelivered events are ignored. */
  async append(events: IncomingEvent[]): Promise<{ lastOutboxId: number; head: number }> {
    const now = Date.now()
    const result = this.log.append(events, now)
    if (result.added.length > 0) {
      this.recent.add(result.added)
      this.waker.wake(this.shards, result.head)
      for (const request of this.crawler.maybeRequest(now)) this.ctx.waitUntil(request)
      if (!this.pruneScheduled) {
        if ((await this.ctx.storage.getAlarm()) === null)
          await this.ctx.storage.setAlarm(now + PRUNE_INTERVAL_MS)
        this.pruneScheduled = true
      }
    }
    return { lastOutboxId: result.lastOutboxId, head: result.head }
  }

  async info(): Promise<LogInfo> {
    return { head: this.log.head(), oldest: this.log.oldest() }
  }

  /** A page of frames with seq > `after`, plus where the log stands. */
  async read(after: number, limit: number, maxBytes: number): Promise<ReadResult> {
    return { frames: this.log.read(after, limit, maxBytes), head: this.log.head(), oldest: this.log.oldest() }
  }

  /** The highest outbox id already sequenced: where the repo actor resumes delivery. */
  async lastOutboxId(): Promise<number> {
    return this.log.lastOutboxId()
  }

  async registerShard(name: string): Promise<void> {
    if (this.shards.has(name)) return
    this.shards.add(name)
    this.ctx.storage.sql.exec('INSERT OR IGNORE INTO shards (name) VALUES (?)', name)
  }

  async unregisterShard(name: string): Promise<void> {
    this.shards.delete(name)
    this.ctx.storage.sql.exec('DELETE FROM shards WHERE name = ?', name)
  }

  /** Drops events past retention; `policy` overrides the configured one (tests, operators). */
  async prune(policy?: { maxAgeMs: number; minEvents: number }): Promise<number> {
    const { maxAgeMs, minEvents } = policy ?? retentionFromEnv(this.env)
    const removed = this.log.prune(Date.now() - maxAgeMs, minEvents)
    if (removed > 0) log.info('pruned events', { removed })
    return removed
  }

  override async alarm(): Promise<void> {
    await this.prune()
    await this.ctx.storage.setAlarm(Date.now() + PRUNE_INTERVAL_MS)
  }
}
