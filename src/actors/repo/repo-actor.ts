import { DurableObject } from 'cloudflare:workers'
import { Secp256k1Keypair } from '@atproto/crypto'
import { parseConfig } from '../../shared/config'
import { createLogger } from '../../shared/logger'
import { err, ok, type Result } from '../../shared/result'
import { runMigrations } from '../../shared/sql-migrations'
import type { AccountCode } from '../account/account-codes'
import { sequencerStub } from '../sequencer'
import { AccountLifecycle } from './account-status/account-lifecycle'
import { AccountState, type AccountStatus } from './account-status/account-state'
import {
  type AppPasswordInfo,
  type AppPasswordListing,
  AppPasswordStore,
  type StoredPasswordHash,
} from './app-password-store'
import { BlobGc, blobGraceMs, type SweepResult } from './blobs/blob-gc'
import { type BlobMeta, BlobStore, type FinishedUpload } from './blobs/blob-store'
import { RepoWriter } from './commit/repo-writer'
import type { ApplyWritesInput, ApplyWritesOutput } from './commit/write-ops'
import { REPO_ACTOR_NAME } from './index'
import { REPO_MIGRATIONS } from './migrations'
import type { Outbox, OutboxRow } from './outbox/outbox'
import { OutboxDelivery } from './outbox/outbox-delivery'
import { SqlOutbox } from './outbox/sql-outbox'
import { type Preference, PreferencesStore } from './preferences/preferences-store'
import { type RecordView, RepoReader } from './read/repo-reader'
import type { RepoCode } from './repo-codes'
import { AlarmSchedule } from './schedule/alarm-schedule'
import { SqlAlarmDeadlines } from './schedule/sql-alarm-deadlines'
import { type GrantedRefresh, SessionStore } from './session-store'
import { SqlRecordIndex } from './storage/sql-record-index'
import { SqlRepoStorage } from './storage/sql-repo-storage'

export type RepoStatus = { did: string; head: string; rev: string } & AccountStatus

/**
 * The repo actor: the one owner of the MST, the record index and the signing key.
 * A thin shell; the logic lives in RepoWriter and RepoReader.
 */
export class RepoActor extends DurableObject<Env> {
  private writer: RepoWriter | null = null
  private account: AccountLifecycle | null = null
  private reader: RepoReader
  private outbox: Outbox
  private delivery: OutboxDelivery
  private startupError: string | null = null
  private sessions: SessionStore
  private appPasswords: AppPasswordStore
  private prefs: PreferencesStore
  private alarms: AlarmSchedule
  private blobs: BlobStore
  private blobGc: BlobGc

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    const blocks = new SqlRepoStorage(ctx.storage.sql)
    const index = new SqlRecordIndex(ctx.storage.sql)
    this.outbox = new SqlOutbox(ctx.storage.sql)
    this.reader = new RepoReader(blocks, index)
    const transaction = <T>(fn: () => T): T => ctx.storage.transactionSync(fn)
    this.sessions = new SessionStore(ctx.storage.sql, transaction)
    this.appPasswords = new AppPasswordStore(ctx.storage.sql, transaction)
    this.prefs = new PreferencesStore(ctx.storage.sql, transaction)
    // One DO alarm, shared by outbox delivery retries and blob GC.
    this.alarms = new AlarmSchedule(new SqlAlarmDeadlines(ctx.storage.sql), ctx.storage, createLogger('repo'))
    this.delivery = new OutboxDelivery(
      this.outbox,
      sequencerStub(env),
      (delayMs) => this.alarms.atMost('delivery', Date.now() + delayMs),
      createLogger('repo'),
    )
    this.blobs = new BlobStore(ctx.storage.sql)
    this.blobGc = new BlobGc({
      store: this.blobs,
      bucket: env.BLOBS,
      schedule: this.alarms,
      exclusive: (fn) => this.repo.exclusive(fn),
      transaction,
      graceMs: blobGraceMs(env.BLOB_GRACE_HOURS),
      log: createLogger('repo'),
    })
    ctx.blockConcurrencyWhile(async () => {
      runMigrations(ctx.storage, REPO_MIGRATIONS)
      const config = parseConfig(env)
      if (!config.ok) {
        this.startupError = config.message
        return
      }
      const { did, handle, hostname, signingKeyHex } = config.value
      const keypair = await Secp256k1Keypair.import(signingKeyHex)
      this.writer = await RepoWriter.open({
        transaction: (fn) => ctx.storage.transactionSync(fn),
        blocks,
        index,
        outbox: this.outbox,
        keypair,
        did,
        handle,
        blobRefs: this.blobs,
      })
      this.account = new AccountLifecycle(new AccountState(ctx.storage.sql), this.writer, {
        did,
        handle,
        hostname,
        signingDidKey: keypair.did(),
      })
      await this.account.announceIdentityChange()
      // Events left undelivered by an eviction or crash go out first.
      this.deliver()
    })
  }

  private get repo(): RepoWriter {
    if (!this.writer) throw new Error(this.startupError ?? 'repo not open')
    return this.writer
  }

  async applyWrites(input: ApplyWritesInput): Promise<Result<ApplyWritesOutput, RepoCode>> {
    if (!this.writer) throw new Error(this.startupError ?? 'repo not open')
    if (!this.account?.status().active) return err('AccountDeactivated', 'Account is deactivated')
    const result = await this.writer.applyWrites(input)
    // The commit is durable; handing its event to the sequencer happens after the reply.
    if (result.ok && result.value.commit) this.deliver()
    if (this.blobs.takeOrphaned()) await this.blobGc.soon()
    return result
  }

  /** Runs what is due on the shared alarm: outbox delivery retries and blob GC. */
  override async alarm(): Promise<void> {
    await this.alarms.runDue(
      {
        delivery: async () => this.deliver(),
        'blob-gc': async () => void (await this.blobGc.sweep(Date.now())),
      },
      Date.now(),
    )
  }

  /**
   * Starts handing the outbox to the sequencer, without waiting for it. Only the
   * canonical instance delivers: another instance (a test's scratch repo) must
   * never put its events on this PDS's firehose.
   */
  private deliver(): void {
    if (this.ctx.id.name !== REPO_ACTOR_NAME) return
    this.ctx.waitUntil(this.delivery.wake())
  }

  async status(): Promise<RepoStatus> {
    const head = this.repo.head
    return { did: head.did, head: head.cid.toString(), rev: head.rev, ...this.lifecycle.status() }
  }

  /** Deactivates or reactivates hosting, announcing it on the firehose. */
  async setActive(active: boolean): Promise<void> {
    await (active ? this.lifecycle.activate() : this.lifecycle.deactivate())
    this.deliver()
  }

  private get lifecycle(): AccountLifecycle {
    if (!this.account) throw new Error(this.startupError ?? 'repo not open')
    return this.account
  }

  async describe(): Promise<{ did: string; collections: string[] }> {
    return { did: this.repo.head.did, collections: this.reader.collections() }
  }

  async getRecord(collection: string, rkey: string, cid?: string): Promise<Result<RecordView, RepoCode>> {
    return this.reader.getRecord(this.repo.head, collection, rkey, cid)
  }

  async listRecords(opts: { collection: string; limit: number; cursor: string | null; reverse: boolean }) {
    return this.reader.listRecords(this.repo.head, opts)
  }

  async exportCar(since: string | null): Promise<ReadableStream<Uint8Array>> {
    return this.reader.exportCar(this.repo.head, since)
  }

  async recordProof(collection: string, rkey: string): Promise<Uint8Array> {
    return this.reader.recordProof(this.repo.head, collection, rkey)
  }

  async getBlocks(cids: string[]): Promise<Result<Uint8Array, RepoCode>> {
    return this.reader.getBlocks(cids)
  }

  /** Outbox rows after `afterId`, for the sequencer's delivery (and tests). */
  async readOutbox(afterId: number, limit: number): Promise<OutboxRow[]> {
    return this.outbox.read(afterId, limit)
  }

  // Blobs: the Worker streams bytes to R2; the actor keeps metadata, references and GC.

  /** Reserves a fresh R2 key for an upload; it is cleaned up unless `finishBlobUpload` claims it. */
  async beginBlobUpload(): Promise<{ r2Key: string }> {
    const r2Key = `blobs/${crypto.randomUUID()}`
    await this.blobGc.reserveUpload(r2Key, Date.now())
    return { r2Key }
  }

  async finishBlobUpload(upload: FinishedUpload): Promise<Result<{ duplicate: boolean }, RepoCode>> {
    const done = this.ctx.storage.transactionSync(() => this.blobs.finishUpload(upload, new Date()))
    if (!done) return err('UploadExpired', 'The upload took too long and was discarded')
    if (done.duplicate) await this.blobGc.soon()
    return ok(done)
  }

  async blobMeta(cid: string): Promise<BlobMeta | null> {
    return this.blobs.get(cid)
  }

  /** getBlob found no R2 object for `cid`: forget the metadata so the blob is listed as missing. */
  async blobBytesLost(cid: string, r2Key: string): Promise<void> {
    this.blobs.forgetLost(cid, r2Key)
  }

  async listBlobs(opts: { since: string | null; cursor: string | null; limit: number }): Promise<string[]> {
    return this.blobs.listReferenced(opts)
  }

  async listMissingBlobs(opts: { cursor: string | null; limit: number }) {
    return this.blobs.listMissing(opts)
  }

  /** Runs a blob GC sweep now, or as of `nowMs` (tests move time forward this way). */
  async sweepBlobs(nowMs?: number): Promise<SweepResult> {
    return this.blobGc.sweep(nowMs ?? Date.now())
  }

  /** Fails fast when configuration is broken, so the Worker can say which setting. */
  async ping(): Promise<Result<true, never>> {
    if (!this.writer) throw new Error(this.startupError ?? 'repo not open')
    return ok(true)
  }

  // Sessions, app passwords and preferences: storage only; the Worker checks
  // credentials and mints tokens.

  /** Stores a refresh token for a new session (main password when `appPasswordId` is null). */
  async createRefreshToken(appPasswordId: string | null): Promise<{ id: string; expiresAt: number }> {
    return this.sessions.grant(appPasswordId, Date.now())
  }

  async rotateRefreshToken(id: string): Promise<Result<GrantedRefresh, AccountCode>> {
    return this.sessions.rotate(id, Date.now())
  }

  async revokeRefreshToken(id: string): Promise<boolean> {
    return this.sessions.revoke(id)
  }

  async createAppPassword(input: {
    name: string
    privileged: boolean
    hash: StoredPasswordHash
  }): Promise<Result<AppPasswordListing, AccountCode>> {
    return this.appPasswords.create({ ...input, createdAt: new Date().toISOString() })
  }

  async listAppPasswords(): Promise<AppPasswordListing[]> {
    return this.appPasswords.list()
  }

  async appPasswordSecrets(): Promise<(AppPasswordInfo & StoredPasswordHash)[]> {
    return this.appPasswords.secrets()
  }

  async appPasswordById(id: string): Promise<AppPasswordInfo | null> {
    return this.appPasswords.byId(id)
  }

  async revokeAppPassword(name: string): Promise<boolean> {
    return this.appPasswords.revoke(name)
  }

  async getPreferences(fullAccess: boolean): Promise<Preference[]> {
    return this.prefs.get('app.bsky', fullAccess, Date.now())
  }

  async putPreferences(values: Preference[], fullAccess: boolean): Promise<Result<void, RepoCode>> {
    return this.prefs.put(values, 'app.bsky', fullAccess)
  }
}
