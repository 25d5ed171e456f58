import { DurableObject } from 'cloudflare:workers'
import { parseConfig } from '../../shared/config'
import { createLogger } from '../../shared/logger'
import { openActor } from '../../shared/open-actor'
import type { Result } from '../../shared/result'
import type { AccountCode } from '../account/account-codes'
import type { AccountStatus } from './account-status/account-state'
import {
  type AppPasswordInfo,
  type AppPasswordListing,
  AppPasswordStore,
  type StoredPasswordHash,
} from './app-password-store'
import type { BlobMeta, FinishedUpload } from './blobs/blob-store'
import type { ApplyWritesInput, ApplyWritesOutput } from './commit/write-ops'
import { type OpenedRepo, openRepo } from './open-repo'
import type { Preference } from './preferences/preferences-store'
import type { ListRecordsOptions, RecordView } from './read/repo-reader'
import type { RepoCode } from './repo-codes'
import { type GrantedRefresh, SessionStore } from './session-store'

export type RepoStatus = { did: string; head: string; rev: string } & AccountStatus

/** The name of the one repo actor instance. Only it hands events to the sequencer. */
export const REPO_ACTOR_NAME = 'repo'

const log = createLogger('repo')

/**
 * The repo actor: the one owner of the MST, the record index and the signing key. A thin
 * shell: it opens once (openRepo, through openActor) and forwards each call.
 */
export class RepoActor extends DurableObject<Env> {
  private readonly opened: Promise<OpenedRepo>
  private readonly sessions: SessionStore
  private readonly appPasswords: AppPasswordStore

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    const transaction = <T>(fn: () => T): T => ctx.storage.transactionSync(fn)
    this.sessions = new SessionStore(ctx.storage.sql, transaction)
    this.appPasswords = new AppPasswordStore(ctx.storage.sql, transaction)
    this.opened = openActor(
      ctx,
      () => {
        const config = parseConfig(env)
        if (!config.ok) throw new Error(config.message)
        return openRepo({ ctx, env, config: config.value, delivers: ctx.id.name === REPO_ACTOR_NAME })
      },
      log,
    )
  }

  async applyWrites(input: ApplyWritesInput): Promise<Result<ApplyWritesOutput, RepoCode>> {
    return (await this.opened).writes.apply(input)
  }

  /** Runs what is due on the shared alarm: outbox delivery retries and blob GC. */
  override async alarm(): Promise<void> {
    const repo = await this.opened
    const jobs = {
      delivery: async () => repo.deliver(),
      'blob-gc': async () => void (await repo.blobGc.sweep(Date.now())),
    }
    await repo.alarms.runDue(jobs, Date.now())
  }

  async status(): Promise<RepoStatus> {
    const { writer, lifecycle } = await this.opened
    return {
      did: writer.head.did,
      head: writer.head.cid.toString(),
      rev: writer.head.rev,
      ...lifecycle.status(),
    }
  }

  /** Deactivates or reactivates hosting, announcing it on the firehose. */
  async setActive(active: boolean): Promise<void> {
    const repo = await this.opened
    await repo.lifecycle.setActive(active)
    repo.deliver()
  }

  async describe(): Promise<{ did: string; collections: string[] }> {
    return (await this.opened).reader.describe()
  }

  async getRecord(collection: string, rkey: string, cid?: string): Promise<Result<RecordView, RepoCode>> {
    return (await this.opened).reader.getRecord(collection, rkey, cid)
  }

  async listRecords(opts: ListRecordsOptions) {
    return (await this.opened).reader.listRecords(opts)
  }

  async exportCar(since: string | null): Promise<ReadableStream<Uint8Array>> {
    return (await this.opened).reader.exportCar(since)
  }

  async recordProof(collection: string, rkey: string): Promise<Uint8Array> {
    return (await this.opened).reader.recordProof(collection, rkey)
  }

  async getBlocks(cids: string[]): Promise<Result<Uint8Array, RepoCode>> {
    return (await this.opened).reader.getBlocks(cids)
  }

  // Blobs: the Worker streams bytes to R2; the actor keeps metadata, references and GC.

  async beginBlobUpload(): Promise<{ r2Key: string }> {
    return (await this.opened).uploads.begin()
  }

  async finishBlobUpload(upload: FinishedUpload): Promise<Result<{ duplicate: boolean }, RepoCode>> {
    return (await this.opened).uploads.finish(upload)
  }

  async blobMeta(cid: string): Promise<BlobMeta | null> {
    return (await this.opened).blobs.get(cid)
  }

  /** getBlob found no R2 object for `cid`: forget the metadata so the blob is listed as missing. */
  async blobBytesLost(cid: string, r2Key: string): Promise<void> {
    ;(await this.opened).blobs.forgetLost(cid, r2Key)
  }

  async listBlobs(opts: { since: string | null; cursor: string | null; limit: number }): Promise<string[]> {
    return (await this.opened).blobs.listReferenced(opts)
  }

  async listMissingBlobs(opts: { cursor: string | null; limit: number }) {
    return (await this.opened).blobs.listMissing(opts)
  }

  async getPreferences(fullAccess: boolean): Promise<Preference[]> {
    return (await this.opened).prefs.get('app.bsky', fullAccess, Date.now())
  }

  async putPreferences(values: Preference[], fullAccess: boolean): Promise<Result<void, RepoCode>> {
    return (await this.opened).prefs.put(values, 'app.bsky', fullAccess)
  }

  // Sessions and app passwords: storage only; the Worker checks credentials and mints tokens.

  async createRefreshToken(appPasswordId: string | null): Promise<{ id: string; expiresAt: number }> {
    await this.opened
    return this.sessions.grant(appPasswordId, Date.now())
  }

  async rotateRefreshToken(id: string): Promise<Result<GrantedRefresh, AccountCode>> {
    await this.opened
    return this.sessions.rotate(id, Date.now())
  }

  async revokeRefreshToken(id: string): Promise<boolean> {
    await this.opened
    return this.sessions.revoke(id)
  }

  async createAppPassword(input: {
    name: string
    privileged: boolean
    hash: StoredPasswordHash
  }): Promise<Result<AppPasswordListing, AccountCode>> {
    await this.opened
    return this.appPasswords.create({ ...input, createdAt: new Date().toISOString() })
  }

  async listAppPasswords(): Promise<AppPasswordListing[]> {
    await this.opened
    return this.appPasswords.list()
  }

  async appPasswordSecrets(): Promise<(AppPasswordInfo & StoredPasswordHash)[]> {
    await this.opened
    return this.appPasswords.secrets()
  }

  async appPasswordById(id: string): Promise<AppPasswordInfo | null> {
    await this.opened
    return this.appPasswords.byId(id)
  }

  async revokeAppPassword(name: string): Promise<boolean> {
    await this.opened
    return this.appPasswords.revoke(name)
  }
}
