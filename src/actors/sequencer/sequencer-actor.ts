import { DurableObject } from 'cloudflare:workers'
import { parseConfig } from '../../shared/config'
import { createLogger, setLogFormat } from '../../shared/logger'
import { openActor } from '../../shared/open-actor'
import { runMigrations } from '../../shared/sql-migrations'
import { shardName, shardStub } from '../subscribers'
import { CrawlRequester } from './crawl-requester'
import type { IncomingEvent } from './event-log'
import { SEQUENCER_MIGRATIONS } from './migrations'
import { RelayHealth } from './relay-health'
import { type LogInfo, type ReadResult, Sequencer, type SequencerFigures, type ShardLoad } from './sequencer'
import { sqlShardSet } from './shard-set'
import { ShardWaker } from './shard-waker'
import { SqlEventLog } from './sql-event-log'
import { SqlRelayRecordStore } from './sql-relay-records'

export type { LogInfo, ReadResult, SequencerFigures, ShardLoad } from './sequencer'

const log = createLogger('seq')
const PRUNE_INTERVAL_MS = 60 * 60 * 1000

/**
 * The sequencer actor: a thin shell over Sequencer, opened once (see openActor); a failed
 * opening (a broken setting) fails every call after it.
 */
export class SequencerActor extends DurableObject<Env> {
  private readonly opened: Promise<Sequencer>

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.opened = openActor(ctx, () => this.open(), log)
  }

  private async open(): Promise<Sequencer> {
    const { ctx, env } = this
    runMigrations(ctx.storage, SEQUENCER_MIGRATIONS)
    const config = parseConfig(env)
    if (!config.ok) throw new Error(config.message)
    setLogFormat(config.value.logFormat)
    const { hostname, relays, retention, subscriberShards, firehose } = config.value
    const relayHealth = new RelayHealth({
      relays,
      hostname,
      fetch: (input, init) => fetch(input, init),
      clock: { now: () => Date.now() },
      store: new SqlRelayRecordStore(ctx.storage.sql),
      onError: (relay, error) => log.warn('relay check failed', { relay, error }),
    })
    // The alarm runs the relay checks even while no events flow.
    if (relays.length > 0 && (await ctx.storage.getAlarm()) === null)
      await ctx.storage.setAlarm(Date.now() + PRUNE_INTERVAL_MS)
    return new Sequencer({
      log: new SqlEventLog(ctx.storage.sql, (fn) => ctx.storage.transactionSync(fn)),
      shards: sqlShardSet(ctx.storage.sql),
      placement: { shards: subscriberShards, fill: firehose.shardFill, nameOf: shardName },
      waker: (recent, release) =>
        new ShardWaker(
          (name) => shardStub(env, name),
          recent,
          (name, e) => log.warn('shard wake failed', { shard: name, error: String(e) }),
          release,
        ),
      crawler: new CrawlRequester(
        relays,
        hostname,
        fetch,
        (relay, e) => log.warn('requestCrawl failed', { relay, error: String(e) }),
        (relay, at) => relayHealth.noteCrawl(relay, at),
      ),
      relayHealth,
      retention,
      schedulePrune: async () => {
        if ((await ctx.storage.getAlarm()) === null)
          await ctx.storage.setAlarm(Date.now() + PRUNE_INTERVAL_MS)
      },
      waitUntil: (p) => ctx.waitUntil(p),
      now: () => Date.now(),
      logger: log,
    })
  }

  async append(events: IncomingEvent[]): Promise<{ lastOutboxId: number; head: number }> {
    return (await this.opened).append(events)
  }

  async info(): Promise<LogInfo> {
    return (await this.opened).info()
  }

  async read(after: number, limit: number, maxBytes: number): Promise<ReadResult> {
    return (await this.opened).read(after, limit, maxBytes)
  }

  async figures(): Promise<SequencerFigures> {
    return (await this.opened).figures()
  }

  async placeClient(client: string): Promise<string> {
    return (await this.opened).placeClient(client)
  }

  async reportShard(name: string, load: ShardLoad): Promise<number> {
    return (await this.opened).reportShard(name, load)
  }

  override async alarm(): Promise<void> {
    await (await this.opened).onAlarm()
    await this.ctx.storage.setAlarm(Date.now() + PRUNE_INTERVAL_MS)
  }
}
