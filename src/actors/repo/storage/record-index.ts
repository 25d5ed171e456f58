/** A row of the record index: where each record lives and the rev that wrote it. */
export type RecordRow = { collection: string; rkey: string; cid: string; rev: string }

/** A record written (`cid` set) or deleted (`cid` null) by commit `rev`. */
export type RecordChange = { collection: string; rkey: string; cid: string | null; rev: string }

/**
 * The record index beside the MST, so reads and `listRecords` never walk the tree.
 * It is updated in the same transaction as the commit that changes it.
 * Implementations: `SqlRecordIndex` (Durable Object SQLite), `MemoryRecordIndex` (tests).
 */
export interface RecordIndex {
  get(collection: string, rkey: string): RecordRow | null
  /** Inserts the row, or replaces the cid and rev of the record at that path. */
  put(row: RecordRow): void
  /** Removes the record, leaving a tombstone with the rev that deleted it (see `changesSince`). */
  delete(collection: string, rkey: string, rev: string): void
  /**
   * Up to `limit` rows of `collection`, newest first (descending rkey) unless `reverse`;
   * `cursor` is the last rkey of the previous page, excluded.
   */
  list(collection: string, limit: number, cursor: string | null, reverse: boolean): RecordRow[]
  /** The distinct collections that hold records, in ascending order. */
  collections(): string[]
  /**
   * The newest `limit` changes with a rev after `rev`, oldest first: current records
   * written since, and tombstones of records deleted since (a path written again after
   * its deletion is a write only).
   */
  changesSince(rev: string, limit: number): RecordChange[]
  /** Whether a record or tombstone was written at or before `rev`. */
  knowsRev(rev: string): boolean
}
