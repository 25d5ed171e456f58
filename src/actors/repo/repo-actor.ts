import { DurableObject } from 'cloudflare:workers'
import { Secp256k1Keypair } from '@atproto/crypto'
import { parseConfig } from '../../shared/config'
import { err, ok, type Result } from '../../shared/result'
import { runMigrations } from '../../shared/sql-migrations'
import { REPO_MIGRATIONS } from './migrations'
import { Outbox, type OutboxRow } from './outbox'
import { RecordIndex } from './record-index'
import { type RecordView, RepoReader } from './repo-reader'
import { RepoWriter } from './repo-writer'
import { SqlRepoStorage } from './storage/sql-repo-storage'
import type { ApplyWritesInput, ApplyWritesOutput } from './write-ops'

export type RepoStatus = { did: string; head: string; rev: string; active: boolean }

/**
 * The repo actor: the one owner of the MST, the record index and the signing key.
 * A thin shell; the logic lives in RepoWriter and RepoReader.
 */
export class RepoActor extends DurableObject<Env> {
  private writer: RepoWriter | null = null
  private reader: RepoReader
  private outbox: Outbox
  private startupError: string | null = null

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    const blocks = new SqlRepoStorage(ctx.storage.sql)
    const index = new RecordIndex(ctx.storage.sql)
    this.outbox = new Outbox(ctx.storage.sql)
    this.reader = new RepoReader(blocks, index)
    ctx.blockConcurrencyWhile(async () => {
      runMigrations(ctx.storage, REPO_MIGRATIONS)
      const config = parseConfig(env)
      if (!config.ok) {
        this.startupError = config.message
        return
      }
      const { did, handle, signingKeyHex } = config.value
      const keypair = await Secp256k1Keypair.import(signingKeyHex)
      this.writer = await RepoWriter.open({
        transaction: (fn) => ctx.storage.transactionSync(fn),
        blocks,
        index,
        outbox: this.outbox,
        keypair,
        did,
        handle,
        now: () => new Date().toISOString(),
      })
    })
  }

  private get repo(): RepoWriter {
    if (!this.writer) throw new Error(this.startupError ?? 'repo not open')
    return this.writer
  }

  async applyWrites(input: ApplyWritesInput): Promise<Result<ApplyWritesOutput>> {
    if (!this.writer) return err('InvalidConfig', this.startupError ?? 'repo not open', 500)
    return this.writer.applyWrites(input)
  }

  async status(): Promise<RepoStatus> {
    const head = this.repo.head
    return { did: head.did, head: head.cid.toString(), rev: head.rev, active: true }
  }

  async describe(): Promise<{ did: string; collections: string[] }> {
    return { did: this.repo.head.did, collections: this.reader.collections() }
  }

  async getRecord(collection: string, rkey: string, cid?: string): Promise<Result<RecordView>> {
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

  async getBlocks(cids: string[]): Promise<Result<Uint8Array>> {
    return this.reader.getBlocks(cids)
  }

  /** Outbox rows after `afterId`, for the sequencer's delivery (and tests). */
  async readOutbox(afterId: number, limit: number): Promise<OutboxRow[]> {
    return this.outbox.read(afterId, limit)
  }

  /** Fails fast when configuration is broken, so the Worker can say which setting. */
  async ping(): Promise<Result<true>> {
    return this.writer ? ok(true) : err('InvalidConfig', this.startupError ?? 'repo not open', 500)
  }
}
