import { type Cid, parseCidSafe } from '@atproto/lex-data'
import { lexToJson } from '@atproto/lex-json'
import { blocksToCarFile, cborToLexRecord, concatBytes, getRecords, writeCarStream } from '@atproto/repo'
import { type Err, err, ok, type Result } from '../../../shared/result'
import type { RepoHead } from '../commit/commit-builder'
import type { RepoCode } from '../repo-codes'
import type { BlockStore } from '../storage/block-store'
import type { RecordIndex } from '../storage/record-index'

// `value` is IPLD JSON; typed loosely because the recursive JsonValue is too deep for RPC stub types.
export type RecordView = { uri: string; cid: string; value: Record<string, unknown> }

export type ListRecordsOptions = {
  collection: string
  limit: number
  cursor: string | null
  reverse: boolean
}

const EXPORT_PAGE = 500

/** Read-side queries over the record index and the block store, as of the writer's head. */
export class RepoReader {
  constructor(
    private readonly blocks: BlockStore,
    private readonly index: RecordIndex,
    private readonly currentHead: () => RepoHead,
    /** Whether the repo is served: a deactivated account's records are served to nobody. */
    private readonly isActive: () => boolean,
  ) {}

  private unavailable(): Err<RepoCode> | null {
    return this.isActive()
      ? null
      : err('RepoDeactivated', `Repo has been deactivated: ${this.currentHead().did}`)
  }

  describe(): Result<{ did: string; collections: string[] }, RepoCode> {
    return this.unavailable() ?? ok({ did: this.currentHead().did, collections: this.index.collections() })
  }

  async getRecord(collection: string, rkey: string, cid?: string): Promise<Result<RecordView, RepoCode>> {
    const refused = this.unavailable()
    if (refused) return refused
    const head = this.currentHead()
    const row = this.index.get(collection, rkey)
    const uri = `at://${head.did}/${collection}/${rkey}`
    if (!row || (cid !== undefined && row.cid !== cid))
      return err('RecordNotFound', `Could not locate record: ${uri}`)
    return ok({ uri, cid: row.cid, value: await this.readJson(row.cid) })
  }

  async listRecords(
    opts: ListRecordsOptions,
  ): Promise<Result<{ records: RecordView[]; cursor?: string }, RepoCode>> {
    const refused = this.unavailable()
    if (refused) return refused
    const head = this.currentHead()
    const rows = this.index.list(opts.collection, opts.limit, opts.cursor, opts.reverse)
    const records: RecordView[] = []
    for (const row of rows) {
      records.push({
        uri: `at://${head.did}/${row.collection}/${row.rkey}`,
        cid: row.cid,
        value: await this.readJson(row.cid),
      })
    }
    const last = rows.at(-1)
    return ok(rows.length === opts.limit && last ? { records, cursor: last.rkey } : { records })
  }

  /** A CAR proving the record's presence or absence under the current commit. */
  async recordProof(collection: string, rkey: string): Promise<Uint8Array> {
    const head = this.currentHead()
    const chunks: Uint8Array[] = []
    for await (const chunk of getRecords(this.blocks, head.cid, [{ collection, rkey }])) chunks.push(chunk)
    return concatBytes(chunks)
  }

  /** A root-less CAR of the requested blocks; fails naming the first missing one. */
  async getBlocks(cids: string[]): Promise<Result<Uint8Array, RepoCode>> {
    const parsed: Cid[] = []
    for (const s of cids) {
      const cid = parseCidSafe(s)
      if (!cid) return err('InvalidRequest', `Invalid CID: ${s}`)
      parsed.push(cid)
    }
    const { blocks, missing } = await this.blocks.getBlocks(parsed)
    if (missing.length > 0)
      return err('BlockNotFound', `Could not find blocks: ${missing.map(String).join(', ')}`)
    return ok(await blocksToCarFile(null, blocks))
  }

  /**
   * The repo as a CAR stream rooted at `head` (the current one unless given); with `since`,
   * only blocks written after that rev.
   */
  exportCar(since: string | null, head: RepoHead = this.currentHead()): ReadableStream<Uint8Array> {
    const blocks = this.blocks
    async function* pages() {
      let afterCid = ''
      for (;;) {
        const page = blocks.pageBlocks({ since, upToRev: head.rev, afterCid, limit: EXPORT_PAGE })
        for (const b of page) yield { cid: b.cid, bytes: b.bytes }
        const last = page.at(-1)
        if (!last || page.length < EXPORT_PAGE) return
        afterCid = last.key
      }
    }
    const iterator = writeCarStream(head.cid, pages())[Symbol.asyncIterator]()
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await iterator.next()
        if (next.done) controller.close()
        else controller.enqueue(next.value)
      },
    })
  }

  private readJson(cid: string): Promise<Record<string, unknown>> {
    return readRecordJson(this.blocks, cid)
  }
}

/** A record block as IPLD JSON; a missing block is an internal error. */
export async function readRecordJson(blocks: BlockStore, cid: string): Promise<Record<string, unknown>> {
  const parsed = parseCidSafe(cid)
  const bytes = parsed ? await blocks.getBytes(parsed) : null
  if (!bytes) throw new Error(`record block missing: ${cid}`)
  return lexToJson(cborToLexRecord(bytes)) as Record<string, unknown>
}
