import { TID } from '@atproto/common-web'
import type { Keypair } from '@atproto/crypto'
import { encode } from '@atproto/lex-cbor'
import { cidForCbor } from '@atproto/lex-data'
import { signCommit } from '@atproto/repo'
import type { Logger } from '../../../shared/logger'
import { err, ok, type Result } from '../../../shared/result'
import type { BlobStore } from '../blobs/blob-store'
import type { RepoWriter } from '../commit/repo-writer'
import type { RepoCode } from '../repo-codes'
import { stageCar } from './car-stager'
import type { ImportStaging } from './import-staging'
import { parseImportedCommit, stageTree } from './staged-tree'

/** What an import left: the new head and how much it holds. */
export type ImportSummary = {
  commit: string
  rev: string
  blocks: number
  records: number
  expectedBlobs: number
}

export type RepoImportDeps = {
  staging: ImportStaging
  writer: RepoWriter
  blobs: BlobStore
  keypair: Keypair
  did: string
  isActive: () => boolean
  transaction: <T>(fn: () => T) => T
  /** Asks blob GC for a sweep soon (the import left blobs unreferenced). */
  collectSoon: () => Promise<void>
  log: Logger
}

const deactivateFirst = () =>
  err<RepoCode>('InvalidRequest', 'The account is active: deactivate it before importing a repo')

/**
 * importRepo, in three phases:
 * 1. Stage: stream the CAR into the staging tables, checking each block's CID.
 * 2. Verify: the root is a v3 commit of this DID; walk its MST from SQLite, requiring
 *    every node and record, and stage the record index and blob references.
 * 3. Swap, in the write queue and one transaction: a new commit over the same `data`,
 *    signed with this PDS's key, at a rev after both the imported and the current one,
 *    replaces blocks, root, records and blob links.
 * Invariants: the live repo changes only in phase 3, so a refused import leaves it as it
 * was; only a deactivated account imports (checked before reading and again in the
 * queue, where activation also runs); imports run one at a time, as they share the
 * staging tables. Importing again replaces the previous import.
 */
export class RepoImport {
  private running: Promise<unknown> = Promise.resolve()

  constructor(private readonly deps: RepoImportDeps) {}

  run(car: ReadableStream<Uint8Array>): Promise<Result<ImportSummary, RepoCode>> {
    const next = this.running.then(
      () => this.runNow(car),
      () => this.runNow(car),
    )
    this.running = next.catch(() => undefined)
    return next
  }

  private async runNow(car: ReadableStream<Uint8Array>): Promise<Result<ImportSummary, RepoCode>> {
    const { staging, did, log } = this.deps
    if (this.deps.isActive()) {
      await car.cancel().catch(() => undefined)
      return deactivateFirst()
    }
    const started = Date.now()
    staging.clear()
    try {
      const staged = await stageCar(car, staging)
      if (!staged.ok) return staged
      const rootBytes = staging.getBytes(staged.value.root.toString())
      if (!rootBytes) return err('InvalidRequest', 'The CAR lacks its root block')
      const commit = parseImportedCommit(rootBytes, did)
      if (!commit.ok) return commit
      const tree = await stageTree(staging, did, commit.value.data)
      if (!tree.ok) return tree
      const counts = staging.counts()
      let orphaned = false
      const swapped = await this.deps.writer.replaceRepo(async (head) => {
        if (this.deps.isActive()) return deactivateFirst()
        // TIDs sort as strings; the new rev follows both the current and the imported one.
        const rev = TID.nextStr([head.rev, commit.value.rev].sort().at(-1))
        const signed = await signCommit(
          { did, version: 3, rev, prev: null, data: commit.value.data },
          this.deps.keypair,
        )
        const bytes = encode(signed)
        const cid = await cidForCbor(bytes)
        this.deps.transaction(() => {
          staging.swapIn(rev, { cid, bytes })
          orphaned = this.deps.blobs.restateAll()
        })
        return ok(cid)
      })
      if (!swapped.ok) return swapped
      if (orphaned) await this.deps.collectSoon()
      const summary = {
        commit: swapped.value.cid.toString(),
        rev: swapped.value.rev,
        blocks: counts.blocks + 1,
        records: tree.value.records,
        expectedBlobs: counts.blobs,
      }
      log.info('repo imported', { ...summary, carBlocks: staged.value.blocks, ms: Date.now() - started })
      return ok(summary)
    } finally {
      staging.clear()
    }
  }
}
