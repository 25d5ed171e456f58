import type { Cid } from '@atproto/lex-data'
import { BlockMap, type CommitData, ReadableBlockstore, type RepoStorage } from '@atproto/repo'
import { CID } from 'multiformats/cid'

/**
 * The plainest RepoStorage over Durable Object SQLite: one table of blocks, one row for
 * the root. What a straightforward port of `@atproto/repo` to a DO would use.
 */
export class SqlRepoStorage extends ReadableBlockstore implements RepoStorage {
  constructor(private readonly sql: SqlStorage) {
    super()
    sql.exec(
      'CREATE TABLE IF NOT EXISTS blocks (cid TEXT PRIMARY KEY, bytes BLOB NOT NULL, rev TEXT NOT NULL)',
    )
    sql.exec('CREATE TABLE IF NOT EXISTS root (id INTEGER PRIMARY KEY CHECK (id = 1), cid TEXT NOT NULL)')
  }

  async getRoot(): Promise<Cid | null> {
    const row = this.sql.exec<{ cid: string }>('SELECT cid FROM root WHERE id = 1').toArray()[0]
    return row ? (CID.parse(row.cid) as unknown as Cid) : null
  }

  async getBytes(cid: Cid): Promise<Uint8Array | null> {
    const row = this.sql
      .exec<{ bytes: ArrayBuffer }>('SELECT bytes FROM blocks WHERE cid = ?', cid.toString())
      .toArray()[0]
    return row ? new Uint8Array(row.bytes) : null
  }

  async has(cid: Cid): Promise<boolean> {
    return (await this.getBytes(cid)) !== null
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
    this.sql.exec(
      'INSERT OR IGNORE INTO blocks (cid, bytes, rev) VALUES (?, ?, ?)',
      cid.toString(),
      block,
      rev,
    )
  }

  async putMany(blocks: BlockMap, rev: string): Promise<void> {
    for (const [cid, bytes] of blocks) await this.putBlock(cid, bytes, rev)
  }

  async updateRoot(cid: Cid): Promise<void> {
    this.sql.exec('INSERT OR REPLACE INTO root (id, cid) VALUES (1, ?)', cid.toString())
  }

  async applyCommit(commit: CommitData): Promise<void> {
    await this.putMany(commit.newBlocks, commit.rev)
    for (const cid of commit.removedCids.toList())
      this.sql.exec('DELETE FROM blocks WHERE cid = ?', cid.toString())
    await this.updateRoot(commit.cid)
  }
}
