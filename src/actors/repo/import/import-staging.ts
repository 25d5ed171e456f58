import type { Cid } from '@atproto/lex-data'

/** A staged block as the CAR reader yields it. */
export type StagedBlock = { cid: Cid; bytes: Uint8Array }
/** A record the staged tree names, and the blobs it references. */
export type StagedRecord = { collection: string; rkey: string; cid: string; blobs: string[] }

/** Rows per multi-row statement: Durable Object SQLite binds at most 100 parameters per query. */
const ROWS_PER_STATEMENT = 30

const placeholders = (count: number, width: number) =>
  Array.from({ length: count }, () => `(${Array.from({ length: width }, () => '?').join(', ')})`).join(', ')

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size)
}

/**
 * The staging tables of importRepo (migration 7). An import streams its CAR's blocks
 * into `import_blocks`, marks the blocks its tree reaches, stages the record index and
 * blob references, and `swapIn` replaces the live tables from them in the caller's
 * transaction. The live repo is untouched until then, so a refused import changes nothing.
 */
export class ImportStaging {
  constructor(private readonly sql: SqlStorage) {}

  /** Empties the staging tables (before an import, and after it, whatever its outcome). */
  clear(): void {
    this.sql.exec('DELETE FROM import_blocks')
    this.sql.exec('DELETE FROM import_records')
    this.sql.exec('DELETE FROM import_record_blobs')
  }

  /** Stages blocks; a CID seen twice keeps its first bytes (they are the same, as the CIDs were checked). */
  putBlocks(blocks: readonly StagedBlock[]): void {
    for (const group of chunks(blocks, ROWS_PER_STATEMENT)) {
      this.sql.exec(
        `INSERT INTO import_blocks (cid, bytes) VALUES ${placeholders(group.length, 2)} ON CONFLICT (cid) DO NOTHING`,
        ...group.flatMap((b) => [b.cid.toString(), b.bytes]),
      )
    }
  }

  getBytes(cid: string): Uint8Array | null {
    const row = this.sql
      .exec<{ bytes: ArrayBuffer }>('SELECT bytes FROM import_blocks WHERE cid = ?', cid)
      .toArray()[0]
    return row ? new Uint8Array(row.bytes) : null
  }

  /** Marks blocks the tree reaches: only those are kept by `swapIn`. */
  markReached(cids: readonly string[]): void {
    for (const group of chunks(cids, ROWS_PER_STATEMENT)) {
      this.sql.exec(
        `UPDATE import_blocks SET reached = 1 WHERE cid IN (${group.map(() => '?').join(', ')})`,
        ...group,
      )
    }
  }

  putRecords(did: string, records: readonly StagedRecord[]): void {
    for (const group of chunks(records, ROWS_PER_STATEMENT)) {
      this.sql.exec(
        `INSERT INTO import_records (collection, rkey, cid) VALUES ${placeholders(group.length, 3)}`,
        ...group.flatMap((r) => [r.collection, r.rkey, r.cid]),
      )
    }
    const links = records.flatMap((r) =>
      r.blobs.map((blob) => [`at://${did}/${r.collection}/${r.rkey}`, blob] as const),
    )
    for (const group of chunks(links, ROWS_PER_STATEMENT)) {
      this.sql.exec(
        `INSERT INTO import_record_blobs (record_uri, blob_cid) VALUES ${placeholders(group.length, 2)}
         ON CONFLICT DO NOTHING`,
        ...group.flat(),
      )
    }
  }

  /** How many staged blocks, records and distinct referenced blobs there are. */
  counts(): { blocks: number; records: number; blobs: number } {
    const one = (query: string) => this.sql.exec<{ n: number }>(query).one().n
    return {
      blocks: one('SELECT COUNT(*) AS n FROM import_blocks WHERE reached = 1'),
      records: one('SELECT COUNT(*) AS n FROM import_records'),
      blobs: one('SELECT COUNT(DISTINCT blob_cid) AS n FROM import_record_blobs'),
    }
  }

  /**
   * Replaces the live repo with the staged one: the reached blocks and the new commit
   * (all written at `rev`), the root, the record index and the blob references, then
   * empties the staging tables. Call inside a transaction. The old repo's blocks go at
   * once, retired or not: a deactivated repo is exported to nobody.
   */
  swapIn(rev: string, commit: { cid: Cid; bytes: Uint8Array }): void {
    const { sql } = this
    sql.exec('DELETE FROM blocks')
    sql.exec(
      'INSERT INTO blocks (cid, bytes, rev) SELECT cid, bytes, ? FROM import_blocks WHERE reached = 1',
      rev,
    )
    sql.exec(
      'INSERT INTO blocks (cid, bytes, rev) VALUES (?, ?, ?) ON CONFLICT (cid) DO NOTHING',
      commit.cid.toString(),
      commit.bytes,
      rev,
    )
    sql.exec(
      'INSERT INTO repo_root (id, cid, rev) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET cid = excluded.cid, rev = excluded.rev',
      commit.cid.toString(),
      rev,
    )
    sql.exec('DELETE FROM records')
    // The imported repo is a new history: read-after-write must not replay older deletions.
    sql.exec('DELETE FROM record_tombstones')
    sql.exec(
      'INSERT INTO records (collection, rkey, cid, rev) SELECT collection, rkey, cid, ? FROM import_records',
      rev,
    )
    sql.exec('DELETE FROM record_blobs')
    sql.exec(
      'INSERT INTO record_blobs (record_uri, blob_cid, rev) SELECT record_uri, blob_cid, ? FROM import_record_blobs',
      rev,
    )
    this.clear()
  }
}
