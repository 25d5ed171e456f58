import type { RecordChange, RecordIndex, RecordRow } from './record-index'

/**
 * The record index on Durable Object SQLite (`records`, migration 1; `record_tombstones`,
 * migration 8). Writing a record clears its tombstone through triggers (migration 10).
 */
export class SqlRecordIndex implements RecordIndex {
  constructor(private readonly sql: SqlStorage) {}

  get(collection: string, rkey: string): RecordRow | null {
    return (
      this.sql
        .exec<RecordRow>('SELECT * FROM records WHERE collection = ? AND rkey = ?', collection, rkey)
        .toArray()[0] ?? null
    )
  }

  put(row: RecordRow): void {
    this.sql.exec(
      'INSERT INTO records (collection, rkey, cid, rev) VALUES (?, ?, ?, ?) ON CONFLICT (collection, rkey) DO UPDATE SET cid = excluded.cid, rev = excluded.rev',
      row.collection,
      row.rkey,
      row.cid,
      row.rev,
    )
  }

  delete(collection: string, rkey: string, rev: string): void {
    this.sql.exec('DELETE FROM records WHERE collection = ? AND rkey = ?', collection, rkey)
    this.sql.exec(
      'INSERT INTO record_tombstones (collection, rkey, rev) VALUES (?, ?, ?) ON CONFLICT (collection, rkey) DO UPDATE SET rev = excluded.rev',
      collection,
      rkey,
      rev,
    )
  }

  list(collection: string, limit: number, cursor: string | null, reverse: boolean): RecordRow[] {
    const op = reverse ? '>' : '<'
    const order = reverse ? 'ASC' : 'DESC'
    const query =
      cursor === null
        ? this.sql.exec<RecordRow>(
            `SELECT * FROM records WHERE collection = ? ORDER BY rkey ${order} LIMIT ?`,
            collection,
            limit,
          )
        : this.sql.exec<RecordRow>(
            `SELECT * FROM records WHERE collection = ? AND rkey ${op} ? ORDER BY rkey ${order} LIMIT ?`,
            collection,
            cursor,
            limit,
          )
    return query.toArray()
  }

  collections(): string[] {
    return this.sql
      .exec<{ collection: string }>('SELECT DISTINCT collection FROM records ORDER BY collection')
      .toArray()
      .map((r) => r.collection)
  }

  changesSince(rev: string, limit: number): RecordChange[] {
    return this.sql
      .exec<RecordChange>(
        `SELECT collection, rkey, cid, rev FROM records WHERE rev > ?
         UNION ALL SELECT collection, rkey, NULL AS cid, rev FROM record_tombstones WHERE rev > ?
         ORDER BY rev DESC, collection DESC, rkey DESC LIMIT ?`,
        rev,
        rev,
        limit,
      )
      .toArray()
      .reverse()
  }

  knowsRev(rev: string): boolean {
    return (
      this.sql
        .exec(
          'SELECT 1 FROM records WHERE rev <= ? UNION ALL SELECT 1 FROM record_tombstones WHERE rev <= ? LIMIT 1',
          rev,
          rev,
        )
        .toArray().length > 0
    )
  }
}
