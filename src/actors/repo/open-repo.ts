import { Secp256k1Keypair } from '@atproto/crypto'
import { parseConfig } from '../../shared/config'
import { createLogger, setLogFormat } from '../../shared/logger'
import { runMigrations } from '../../shared/sql-migrations'
import type { LegacyCredentials } from '../account'
import { sequencerStub } from '../sequencer'
import { AccountLifecycle } from './account-status/account-lifecycle'
import { AccountState, type AccountStatus } from './account-status/account-state'
import { BlobGc } from './blobs/blob-gc'
import { BlobStore } from './blobs/blob-store'
import { BlobUploads } from './blobs/blob-uploads'
import { RepoWriter } from './commit/repo-writer'
import { WriteGate } from './commit/write-gate'
import { ImportStaging } from './import/import-staging'
import { type MigrationStatus, migrationStatus } from './import/migration-status'
import { RepoImport } from './import/repo-import'
import { dropLegacyCredentials, legacyCredentials } from './legacy-credentials'
import { REPO_MIGRATIONS } from './migrations'
import { CommittedTail } from './outbox/committed-tail'
import type { Outbox } from './outbox/outbox'
import { OutboxDelivery } from './outbox/outbox-delivery'
import { SqlOutbox } from './outbox/sql-outbox'
import { PreferencesStore } from './preferences/preferences-store'
import { type LocalChanges, recordsSince } from './read/records-since'
import { type RepoFigures, repoFigures } from './read/repo-figures'
import { RepoReader } from './read/repo-reader'
import { AlarmSchedule } from './schedule/alarm-schedule'
import { SqlAlarmDeadlines } from './schedule/sql-alarm-deadlines'
import { RepoSnapshots } from './snapshots/repo-snapshots'
import { SnapshotBucket } from './snapshots/snapshot-bucket'
import { SqlRecordIndex } from './storage/sql-record-index'
import { SqlRepoStorage } from './storage/sql-repo-storage'

/**
 * Commits reach the sequencer at most once per this many ms (outbox-delivery.ts `wakeSoon`):
 * a lone write is delivered at once, a stream of writes in batches, so each shard sends a
 * socket several frames per pass instead of one. With 100 subscribers that halved the fan-out
 * CPU per event (README, "Commit delivery in batches"); an event waits at most this long more.
 */
const COMMIT_DELIVERY_GAP_MS = 20

/** Everything the repo actor forwards to, built once at start. */
export type OpenedRepo = {
  writer: RepoWriter
  writes: WriteGate
  reader: RepoReader
  outbox: Outbox
  lifecycle: AccountLifecycle
  blobs: BlobStore
  uploads: BlobUploads
  blobGc: BlobGc
  prefs: PreferencesStore
  delivery: OutboxDelivery
  /** Scheduled snapshots of the repo CAR into R2 (`BACKUP_EVERY_HOURS`). */
  snapshots: RepoSnapshots
  /** importRepo: replaces the repo with an imported CAR while deactivated. */
  imports: RepoImport
  /** The counts checkAccountStatus reports. */
  migrationStatus: () => MigrationStatus
  /** Starts handing the outbox to the sequencer, without waiting for it. */
  deliver: () => void
  status: () => RepoStatus
  /** Counts for the status page. */
  figures: () => RepoFigures
  /** The owner's records written and deleted after a rev (read-after-write). */
  recordsSince: (rev: string, limit: number) => Promise<LocalChanges>
  /** Deactivates or reactivates hosting, announcing it on the firehose. */
  setActive: (active: boolean) => Promise<void>
  /** Announces a DID document change with `#identity`. */
  announceIdentity: () => Promise<void>
  /** Stores the owner's new handle and announces it with `#identity`. */
  setHandle: (handle: string) => Promise<void>
  /** Runs what is due on the shared alarm: outbox delivery retries, blob GC and snapshots. */
  runAlarm: () => Promise<void>
  /** The old credential tables, for the account actor's one-time takeover. */
  legacy: { read: () => LegacyCredentials; drop: () => void }
}

export type RepoStatus = { did: string; head: string; rev: string } & AccountStatus

export type OpenRepoOptions = {
  ctx: DurableObjectState
  env: Env
  /**
   * Whether this instance's events go on the firehose. Only the canonical instance
   * delivers: another (a test's scratch repo) must never reach this PDS's sequencer.
   */
  delivers: boolean
}

/** Runs the migrations, loads (or creates) the repo and announces an identity change. */
export async function openRepo({ ctx, env, delivers }: OpenRepoOptions): Promise<OpenedRepo> {
  const log = createLogger('repo')
  const parsed = parseConfig(env)
  if (!parsed.ok) throw new Error(parsed.message)
  const config = parsed.value
  setLogFormat(config.logFormat)
  const { sql } = ctx.storage
  // Committed outbox rows stay in memory for delivery: every append goes through `outbox`
  // and every transaction through `transaction` (committed-tail.ts).
  const tail = new CommittedTail()
  const transaction = tail.transaction(<T>(fn: () => T): T => ctx.storage.transactionSync(fn))
  runMigrations(ctx.storage, REPO_MIGRATIONS)

  const blocks = new SqlRepoStorage(sql)
  const index = new SqlRecordIndex(sql)
  const outbox: Outbox = tail.wrap(new SqlOutbox(sql))
  const blobs = new BlobStore(sql)
  // One DO alarm, shared by outbox delivery retries, blob GC and snapshots.
  const alarms = new AlarmSchedule(new SqlAlarmDeadlines(sql), ctx.storage, log)
  const keypair = await Secp256k1Keypair.import(config.signingKeyHex)
  const writer = await RepoWriter.open({
    transaction,
    blocks,
    index,
    outbox,
    keypair,
    did: config.did,
    handle: config.handle,
    blobRefs: blobs,
  })
  // A stored repo of another DID (a changed setting, a copied state folder) is never
  // written under the configured one: the actor refuses to open.
  if (writer.head.did !== config.did) {
    throw new Error(
      `The stored repo belongs to ${writer.head.did}, but the setting DID is ${config.did}: ` +
        'restore the original DID, or start from empty state for the new one',
    )
  }
  const delivery = new OutboxDelivery(
    outbox,
    sequencerStub(env),
    (delayMs) => alarms.atMost('delivery', Date.now() + delayMs),
    log,
    tail,
    { gapMs: COMMIT_DELIVERY_GAP_MS },
  )
  const deliver = delivers ? () => ctx.waitUntil(delivery.wake()) : () => {}
  const deliverCommit = delivers ? () => ctx.waitUntil(delivery.wakeSoon()) : () => {}
  const blobGc = new BlobGc({
    store: blobs,
    bucket: env.BLOBS,
    schedule: alarms,
    exclusive: (fn) => writer.exclusive(fn),
    transaction,
    graceMs: config.blobGraceMs,
    log,
  })
  const lifecycle = new AccountLifecycle(new AccountState(sql), writer, {
    did: config.did,
    handle: config.handle,
    hostname: config.hostname,
    signingDidKey: keypair.did(),
  })
  await lifecycle.announceIdentityChange()
  const reader = new RepoReader(
    blocks,
    index,
    () => writer.head,
    () => lifecycle.status().active,
  )
  const snapshots = new RepoSnapshots({
    bucket: new SnapshotBucket(env.BLOBS, config.did),
    head: () => writer.head,
    exportCar: (head) => reader.exportCar(null, head),
    schedule: alarms,
    // Another instance (a test's scratch repo) shares the DID and the bucket: only the canonical one.
    everyHours: delivers ? config.backups.everyHours : null,
    keep: config.backups.keep,
    log,
  })
  await snapshots.start(Date.now())
  // Events left undelivered by an eviction or crash go out first.
  deliver()

  return {
    writer,
    writes: new WriteGate({
      writer,
      isActive: () => lifecycle.status().active,
      afterCommit: deliverCommit,
      takeOrphaned: () => blobs.takeOrphaned(),
      collectSoon: () => blobGc.soon(),
    }),
    reader,
    outbox,
    lifecycle,
    blobs,
    uploads: new BlobUploads({ store: blobs, gc: blobGc, transaction, now: () => Date.now() }),
    blobGc,
    prefs: new PreferencesStore(sql, transaction),
    delivery,
    snapshots,
    imports: new RepoImport({
      staging: new ImportStaging(sql),
      writer,
      blobs,
      keypair,
      did: config.did,
      isActive: () => lifecycle.status().active,
      transaction,
      collectSoon: () => blobGc.soon(),
      log,
    }),
    migrationStatus: () => migrationStatus(sql, writer.head, lifecycle.status().active, blobs),
    deliver,
    status: () => {
      const { did, cid, rev } = writer.head
      return { did, head: cid.toString(), rev, ...lifecycle.status() }
    },
    figures: () => repoFigures(sql, writer.head, lifecycle.status()),
    recordsSince: (rev, limit) =>
      recordsSince({ blocks, index, head: writer.head, active: lifecycle.status().active }, rev, limit),
    setActive: async (active) => {
      await lifecycle.setActive(active)
      deliver()
    },
    announceIdentity: async () => {
      await lifecycle.announceIdentity()
      deliver()
    },
    setHandle: async (handle) => {
      await lifecycle.setHandle(handle)
      deliver()
    },
    runAlarm: () =>
      alarms.runDue(
        {
          delivery: async () => deliver(),
          'blob-gc': async () => void (await blobGc.sweep(Date.now())),
          snapshot: async () => void (await snapshots.run(Date.now())),
        },
        Date.now(),
      ),
    legacy: { read: () => legacyCredentials(sql), drop: () => dropLegacyCredentials(ctx.storage) },
  }
}
