import type { RecordIndex, RecordRow } from './record-index'

/** The record index on Durable Object SQLite (`records`, migration 1). */
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

  delete(collection: string, rkey: string): void {
    this.sql.exec('DELETE FROM records WHERE collection = ? AND rkey = ?', collection, rkey)
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
}
