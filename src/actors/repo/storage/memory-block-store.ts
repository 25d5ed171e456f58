import { type Cid, parseCid } from '@atproto/lex-data'
import { BlockMap, type CommitData, ReadableBlockstore } from '@atproto/repo'
import { type Clock, systemClock } from '../../../shared/clock'
import { compareBinary, sqlLimit } from '../../../shared/sqlite-order'
import {
  type BlockPageQuery,
  type BlockStore,
  type PagedBlock,
  PURGE_EVERY_MS,
  RETIRED_BLOCK_GRACE_MS,
} from './block-store'

/** A block and its history, the columns of the SQL `blocks` table. */
type Entry = {
  bytes: Uint8Array
  rev: string
  revivedRev: string | null
  removedRev: string | null
  removedAt: number | null
}

/**
 * The block store in memory, for tests that run without workerd. `namedByRecord`
 * stands for the SQL version's look into the `records` table: a removed block it
 * names stays live (pass `MemoryRecordIndex.namesCid`).
 */
export class MemoryBlockStore extends ReadableBlockstore implements BlockStore {
  private readonly blocks = new Map<string, Entry>()
  private root: { cid: string; rev: string } | null = null
  private lastPurge = 0

  constructor(
    private readonly namedByRecord: (cid: string) => boolean = () => false,
    private readonly clock: Clock = systemClock,
  ) {
    super()
  }

  async getRoot(): Promise<Cid | null> {
    return this.getRootDetails()?.cid ?? null
  }

  getRootDetails(): { cid: Cid; rev: string } | null {
    return this.root ? { cid: parseCid(this.root.cid), rev: this.root.rev } : null
  }

  async getBytes(cid: Cid): Promise<Uint8Array | null> {
    const entry = this.live(cid)
    return entry ? entry.bytes.slice() : null
  }

  async has(cid: Cid): Promise<boolean> {
    return this.live(cid) !== null
  }

  async getBlocks(cids: Cid[]): Promise<{ blocks: BlockMap; missing: Cid[] }> {
    const blocks = new BlockMap()
    const missing: Cid[] = []
    for (const cid of cids) {
      const bytes = await this.getBytes(cid)
      if (bytes) blocks.set(cid, bytes)
      else missing.push(cid)
    }
    return { blocks, missing }
  }

  async putBlock(cid: Cid, block: Uint8Array, rev: string): Promise<void> {
    this.putManySync(new BlockMap().set(cid, block), rev)
  }

  async putMany(blocks: BlockMap, rev: string): Promise<void> {
    this.putManySync(blocks, rev)
  }

  async updateRoot(cid: Cid, rev: string): Promise<void> {
    this.root = { cid: cid.toString(), rev }
  }

  async applyCommit(commit: CommitData): Promise<void> {
    this.applyCommitSync(commit, this.clock.now())
  }

  applyCommitSync(commit: CommitData, now: number): void {
    this.putManySync(commit.newBlocks, commit.rev)
    for (const cid of commit.removedCids.toList()) {
      if (commit.newBlocks.has(cid)) continue
      const entry = this.blocks.get(cid.toString())
      if (!entry || entry.removedRev !== null || this.namedByRecord(cid.toString())) continue
      entry.removedRev = commit.rev
      entry.removedAt = now
    }
    this.root = { cid: commit.cid.toString(), rev: commit.rev }
    if (now - this.lastPurge >= PURGE_EVERY_MS || now < this.lastPurge) {
      for (const [key, entry] of this.blocks)
        if (entry.removedAt !== null && entry.removedAt < now - RETIRED_BLOCK_GRACE_MS)
          this.blocks.delete(key)
      this.lastPurge = now
    }
  }

  pageBlocks(query: BlockPageQuery): PagedBlock[] {
    const since = query.since ?? ''
    return [...this.blocks]
      .filter(
        ([key, e]) =>
          compareBinary(key, query.afterCid) > 0 &&
          compareBinary(e.rev, query.upToRev) <= 0 &&
          (compareBinary(e.rev, since) > 0 ||
            (e.revivedRev !== null && compareBinary(e.revivedRev, since) > 0)) &&
          (e.removedRev === null || compareBinary(e.removedRev, query.upToRev) > 0),
      )
      .sort(([a], [b]) => compareBinary(a, b))
      .slice(0, sqlLimit(query.limit))
      .map(([key, e]) => ({ key, cid: parseCid(key), bytes: e.bytes.slice() }))
  }

  /** A block already stored keeps its bytes and first rev; a retired one comes back, noting the rev. */
  private putManySync(blocks: BlockMap, rev: string): void {
    for (const [cid, bytes] of blocks) {
      const key = cid.toString()
      const entry = this.blocks.get(key)
      if (!entry) {
        this.blocks.set(key, {
          bytes: bytes.slice(),
          rev,
          revivedRev: null,
          removedRev: null,
          removedAt: null,
        })
        continue
      }
      if (entry.removedRev !== null) entry.revivedRev = rev
      entry.removedRev = null
      entry.removedAt = null
    }
  }

  private live(cid: Cid): Entry | null {
    const entry = this.blocks.get(cid.toString())
    return entry && entry.removedRev === null ? entry : null
  }
}
