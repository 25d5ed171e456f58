import pkg from '../../../package.json'
import { repoActorStub } from '../../actors/repo'
import { sequencerStub } from '../../actors/sequencer'
import { shardStub } from '../../actors/subscribers'
import type { Config } from '../../shared/config'

/** A relay as the status page shows it; `detail` (an error text) only to the owner. */
export type RelayView = {
  relay: string
  status: string | null
  checkedAt: string | null
  lastCrawlAt: string | null
  detail?: string | null
}

/** One subscriber shard; the counts past `sockets` and `cutOff` only to the owner. */
export type ShardView = {
  shard: string
  sockets: number
  cutOff: number
  clients?: number
  live?: number
  backfill?: number
}

/** One repo snapshot in R2, for the owner. */
export type SnapshotView = { key: string; rev: string; time: string; size: number }

/** Scheduled snapshots: the public view says only whether they are on. */
export type BackupsView = {
  on: boolean
  everyHours?: number | null
  keep?: number
  /** When the next snapshot is due; null when off. */
  next?: string | null
  /** Newest first. */
  snapshots?: SnapshotView[]
}

/** Everything the status page shows, as JSON (`Accept: application/json`) or rendered. */
export type StatusView = {
  version: string
  generatedAt: string
  /** Whether this is the owner's view (a valid bearer credential came with the request). */
  owner: boolean
  account: { did: string; handle: string; active: boolean; status: string | null }
  repo: {
    rev: string
    revTime: string | null
    head: string
    records: number
    collections: { collection: string; records: number }[]
    blocks: number
    blockBytes: number
  }
  firehose: {
    head: number
    oldestSeq: number | null
    retainedEvents: number
    retainedBytes: number
    oldestAt: string | null
    subscribers: number
    cutOff: number
    shards: ShardView[]
  }
  relays: RelayView[]
  blobs: { count: number; bytes: number; pending?: number }
  backups: BackupsView
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/**
 * Collects the figures with one call per actor: the repo, the sequencer, then each shard the
 * sequencer knows to hold sockets (idle shards are not woken). Private detail is added only
 * for the owner: nothing else here may name a subscriber or carry a secret.
 */
export async function gatherStatus(env: Env, config: Config, owner: boolean): Promise<StatusView> {
  const repoActor = repoActorStub(env)
  const [repo, seq, snapshots] = await Promise.all([
    repoActor.figures(),
    sequencerStub(env).figures(),
    owner ? repoActor.snapshots() : null,
  ])
  const shardNames = [...seq.shards].sort()
  const shards = await Promise.all(
    shardNames.map(async (name): Promise<ShardView> => {
      const f = await shardStub(env, name).figures()
      const base = { shard: name, sockets: f.sockets, cutOff: f.cutOff }
      return owner ? { ...base, clients: f.clients, live: f.live, backfill: f.backfill } : base
    }),
  )
  return {
    version: pkg.version,
    generatedAt: new Date().toISOString(),
    owner,
    account: { did: config.did, handle: config.handle, active: repo.active, status: repo.status },
    repo: {
      rev: repo.rev,
      revTime: repo.revTime,
      head: repo.head,
      records: repo.collections.reduce((n, c) => n + c.records, 0),
      collections: repo.collections,
      blocks: repo.blocks,
      blockBytes: repo.blockBytes,
    },
    firehose: {
      head: seq.head,
      oldestSeq: seq.oldestSeq,
      retainedEvents: seq.retained.events,
      retainedBytes: seq.retained.bytes,
      oldestAt: iso(seq.retained.oldestAt),
      subscribers: shards.reduce((n, s) => n + s.sockets, 0),
      cutOff: shards.reduce((n, s) => n + s.cutOff, 0),
      shards,
    },
    relays: seq.relays.map((r) => {
      const base = {
        relay: r.relay,
        status: r.status,
        checkedAt: iso(r.checkedAt),
        lastCrawlAt: iso(r.lastCrawlAt),
      }
      return owner ? { ...base, detail: r.detail } : base
    }),
    blobs: owner ? { ...repo.blobs } : { count: repo.blobs.count, bytes: repo.blobs.bytes },
    backups: snapshots
      ? {
          on: snapshots.everyHours !== null,
          everyHours: snapshots.everyHours,
          keep: snapshots.keep,
          next: snapshots.next,
          snapshots: snapshots.snapshots.map((s) => ({ ...s })),
        }
      : { on: config.backups.everyHours !== null },
  }
}
