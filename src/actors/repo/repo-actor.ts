import { DurableObject } from 'cloudflare:workers'
import { createLogger } from '../../shared/logger'
import { openActor } from '../../shared/open-actor'
import type { Result } from '../../shared/result'
import type { LegacyCredentials } from '../account'
import type { BlobMeta, FinishedUpload } from './blobs/blob-store'
import type { ApplyWritesInput, ApplyWritesOutput } from './commit/write-ops'
import type { MigrationStatus } from './import/migration-status'
import type { ImportSummary } from './import/repo-import'
import { type OpenedRepo, openRepo, type RepoStatus } from './open-repo'
import type { Preference } from './preferences/preferences-store'
import type { LocalChanges } from './read/records-since'
import type { RepoFigures } from './read/repo-figures'
import type { ListRecordsOptions, RecordView } from './read/repo-reader'
import type { RepoCode } from './repo-codes'
import type { SnapshotStatus } from './snapshots/repo-snapshots'

/** The name of the one repo actor instance. Only it hands events to the sequencer. */
export const REPO_ACTOR_NAME = 'repo'

/** The repo actor: owner of the MST, the record index and the signing key; opened once, a thin shell. */
export class RepoActor extends DurableObject<Env> {
  private readonly opened: Promise<OpenedRepo>

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    const delivers = ctx.id.name === REPO_ACTOR_NAME
    this.opened = openActor(ctx, () => openRepo({ ctx, env, delivers }), createLogger('repo'))
  }

  // One-line forwards to the opened repo (open-repo.ts).
  async applyWrites(input: ApplyWritesInput): Promise<Result<ApplyWritesOutput, RepoCode>> {
    return (await this.opened).writes.apply(input)
  }
  override async alarm(): Promise<void> {
    await (await this.opened).runAlarm()
  }
  async status(): Promise<RepoStatus> {
    return (await this.opened).status()
  }
  async figures(): Promise<RepoFigures> {
    return (await this.opened).figures()
  }
  /** The scheduled snapshots and the next slot, for the owner's status view. */
  async snapshots(): Promise<SnapshotStatus> {
    return (await this.opened).snapshots.status()
  }
  async setActive(active: boolean): Promise<void> {
    await (await this.opened).setActive(active)
  }
  async handle(): Promise<string> {
    return (await this.opened).lifecycle.handle()
  }
  async setHandle(handle: string): Promise<void> {
    await (await this.opened).setHandle(handle)
  }
  async announceIdentity(): Promise<void> {
    await (await this.opened).announceIdentity()
  }
  async describe(): Promise<Result<{ did: string; collections: string[] }, RepoCode>> {
    return (await this.opened).reader.describe()
  }
  async getRecord(collection: string, rkey: string, cid?: string): Promise<Result<RecordView, RepoCode>> {
    return (await this.opened).reader.getRecord(collection, rkey, cid)
  }
  async listRecords(opts: ListRecordsOptions) {
    return (await this.opened).reader.listRecords(opts)
  }
  async recordsSince(rev: string, limit: number): Promise<LocalChanges> {
    return (await this.opened).recordsSince(rev, limit)
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
  async importRepo(car: ReadableStream<Uint8Array>): Promise<Result<ImportSummary, RepoCode>> {
    return (await this.opened).imports.run(car)
  }
  async migrationStatus(): Promise<MigrationStatus> {
    return (await this.opened).migrationStatus()
  }
  async getPreferences(fullAccess: boolean): Promise<Preference[]> {
    return (await this.opened).prefs.get('app.bsky', fullAccess, Date.now())
  }
  async putPreferences(values: Preference[], fullAccess: boolean): Promise<Result<void, RepoCode>> {
    return (await this.opened).prefs.put(values, 'app.bsky', fullAccess)
  }

  /** The old credential rows, for the account actor's one-time takeover. */
  async legacyCredentials(): Promise<LegacyCredentials> {
    return (await this.opened).legacy.read()
  }
  async dropLegacyCredentials(): Promise<void> {
    ;(await this.opened).legacy.drop()
  }
}
