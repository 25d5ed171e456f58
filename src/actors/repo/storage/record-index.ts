/** A row of the record index: where each record lives and the rev that wrote it. */
export type RecordRow = { collection: string; rkey: string; cid: string; rev: string }

/**
 * The record index beside the MST, so reads and `listRecords` never walk the tree.
 * It is updated in the same transaction as the commit that changes it.
 */
export class RecordIndex {
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

  delete(collection: string, rkey: string): void {
    this.sql.exec('DELETE FROM records WHERE collection = ? AND rkey = ?', collection, rkey)
  }

  /** Newest first (descending rkey) unless `reverse`; the cursor is the last rkey returned. */
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
}
