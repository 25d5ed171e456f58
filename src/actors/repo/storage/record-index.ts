/** A row of the record index: where each record lives and the rev that wrote it. */
export type RecordRow = { collection: string; rkey: string; cid: string; rev: string }

/**
 * The record index beside the MST, so reads and `listRecords` never walk the tree.
 * It is updated in the same transaction as the commit that changes it.
 * Implementations: `SqlRecordIndex` (Durable Object SQLite), `MemoryRecordIndex` (tests).
 */
export interface RecordIndex {
  get(collection: string, rkey: string): RecordRow | null
  /** Inserts the row, or replaces the cid and rev of the record at that path. */
  put(row: RecordRow): void
  delete(collection: string, rkey: string): void
  /**
   * Up to `limit` rows of `collection`, newest first (descending rkey) unless `reverse`;
   * `cursor` is the last rkey of the previous page, excluded.
   */
  list(collection: string, limit: number, cursor: string | null, reverse: boolean): RecordRow[]
  /** The distinct collections that hold records, in ascending order. */
  collections(): string[]
}
