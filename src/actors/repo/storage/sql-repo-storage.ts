import { type Cid, parseCid } from '@atproto/lex-data'
import { BlockMap, type CommitData, ReadableBlockstore } from '@atproto/repo'
import { type Clock, systemClock } from '../../../shared/clock'
import {
  type BlockPageQuery,
  type BlockStore,
  type PagedBlock,
  PURGE_EVERY_MS,
  RETIRED_BLOCK_GRACE_MS,
} from './block-store'

type BlockRow = { cid: string; bytes: ArrayBuffer }
/** Rows per multi-row statement, under the limit of bound parameters per query. */
const ROWS_PER_STATEMENT = 25

/** `count` groups of `width` placeholders: `(?, ?), (?, ?)`. */
const placeholders = (count: number, width: number) =>
  Array.from({ length: count }, () => `(${Array.from({ length: width }, () => '?').join(', ')})`).join(', ')

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size)
}

/**
 * The block store over Durable Object SQLite (`blocks`, `repo_root`; migrations 1 and 5).
 * Blocks are keyed by CID string with the rev that wrote them (for `getRepo?since=`).
 * The `*Sync` methods run inside a caller's `transactionSync`, so one commit lands whole.
 */
export class SqlRepoStorage extends ReadableBlockstore implements BlockStore {
  private lastPurge = 0

  constructor(
    private readonly sql: SqlStorage,
    private readonly clock: Clock = systemClock,
  ) {
    super()
  }

  async getRoot(): Promise<Cid | null> {
    return this.getRootDetails()?.cid ?? null
  }

  getRootDetails(): { cid: Cid; rev: string } | null {
    const row = this.sql
      .exec<{ cid: string; rev: string }>('SELECT cid, rev FROM repo_root WHERE id = 1')
      .toArray()[0]
    return row ? { cid: parseCid(row.cid), rev: row.rev } : null
  }

  async getBytes(cid: Cid): Promise<Uint8Array | null> {
    const row = this.sql
      .exec<BlockRow>('SELECT bytes FROM blocks WHERE cid = ? AND removed_rev IS NULL', cid.toString())
      .toArray()[0]
    return row ? new Uint8Array(row.bytes) : null
  }

  async has(cid: Cid): Promise<boolean> {
    return (
      this.sql.exec('SELECT 1 FROM blocks WHERE cid = ? AND removed_rev IS NULL', cid.toString()).toArray()
        .length > 0
    )
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
    this.putBlockSync(cid, block, rev)
  }

  async putMany(blocks: BlockMap, rev: string): Promise<void> {
    this.putManySync(blocks, rev)
  }

  async updateRoot(cid: Cid, rev: string): Promise<void> {
    this.updateRootSync(cid, rev)
  }

  async applyCommit(commit: CommitData): Promise<void> {
    this.applyCommitSync(commit, this.clock.now())
  }

  putBlockSync(cid: Cid, block: Uint8Array, rev: string): void {
    this.putManySync(new BlockMap().set(cid, block), rev)
  }

  /**
   * Stores blocks, a few rows per statement (statements, not bytes, are the cost
   * here). A block already stored keeps its first rev, as the reference PDS does. A
   * retired one comes back, noting the rev that revived it so `getRepo?since=`
   * still includes it.
   */
  putManySync(blocks: BlockMap, rev: string): void {
    for (const group of chunks([...blocks], ROWS_PER_STATEMENT)) {
      this.sql.exec(
        `INSERT INTO blocks (cid, bytes, rev) VALUES ${placeholders(group.length, 3)}
         ON CONFLICT (cid) DO UPDATE SET
           revived_rev = CASE WHEN removed_rev IS NULL THEN revived_rev ELSE excluded.rev END,
           removed_rev = NULL,
           removed_at = NULL`,
        ...group.flatMap(([cid, bytes]) => [cid.toString(), bytes, rev]),
      )
    }
  }

  updateRootSync(cid: Cid, rev: string): void {
    this.sql.exec(
      'INSERT INTO repo_root (id, cid, rev) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET cid = excluded.cid, rev = excluded.rev',
      cid.toString(),
      rev,
    )
  }

  /** A removed block still named by a record stays live: the subquery on `records`. */
  applyCommitSync(commit: CommitData, now: number): void {
    this.putManySync(commit.newBlocks, commit.rev)
    const removed = commit.removedCids
      .toList()
      .filter((cid) => !commit.newBlocks.has(cid))
      .map(String)
    for (const group of chunks(removed, ROWS_PER_STATEMENT)) {
      const list = group.map(() => '?').join(', ')
      this.sql.exec(
        `UPDATE blocks SET removed_rev = ?, removed_at = ?
         WHERE cid IN (${list}) AND removed_rev IS NULL AND cid NOT IN (SELECT cid FROM records WHERE cid IN (${list}))`,
        commit.rev,
        now,
        ...group,
        ...group,
      )
    }
    this.updateRootSync(commit.cid, commit.rev)
    if (now - this.lastPurge >= PURGE_EVERY_MS || now < this.lastPurge) {
      this.sql.exec('DELETE FROM blocks WHERE removed_at < ?', now - RETIRED_BLOCK_GRACE_MS)
      this.lastPurge = now
    }
  }

  pageBlocks(opts: BlockPageQuery): PagedBlock[] {
    return this.sql
      .exec<BlockRow>(
        `SELECT cid, bytes FROM blocks
         WHERE cid > ? AND rev <= ? AND (rev > ? OR revived_rev > ?) AND (removed_rev IS NULL OR removed_rev > ?)
         ORDER BY cid LIMIT ?`,
        opts.afterCid,
        opts.upToRev,
        opts.since ?? '',
        opts.since ?? '',
        opts.upToRev,
        opts.limit,
      )
      .toArray()
      .map((row) => ({ key: row.cid, cid: parseCid(row.cid), bytes: new Uint8Array(row.bytes) }))
  }
}
