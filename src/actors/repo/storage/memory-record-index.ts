import { compareBinary, sqlLimit } from '../../../shared/sqlite-order'
import type { RecordChange, RecordIndex, RecordRow } from './record-index'

/** The record index in memory, for tests that run without workerd. Same order as SQLite's. */
export class MemoryRecordIndex implements RecordIndex {
  private readonly rows = new Map<string, RecordRow>()
  private readonly tombstones = new Map<string, RecordChange>()

  get(collection: string, rkey: string): RecordRow | null {
    const row = this.rows.get(pathKey(collection, rkey))
    return row ? { ...row } : null
  }

  put(row: RecordRow): void {
    this.rows.set(pathKey(row.collection, row.rkey), { ...row })
    this.tombstones.delete(pathKey(row.collection, row.rkey))
  }

  delete(collection: string, rkey: string, rev: string): void {
    this.rows.delete(pathKey(collection, rkey))
    this.tombstones.set(pathKey(collection, rkey), { collection, rkey, cid: null, rev })
  }

  list(collection: string, limit: number, cursor: string | null, reverse: boolean): RecordRow[] {
    const sign = reverse ? 1 : -1
    return [...this.rows.values()]
      .filter((r) => r.collection === collection)
      .filter((r) => cursor === null || sign * compareBinary(r.rkey, cursor) > 0)
      .sort((a, b) => sign * compareBinary(a.rkey, b.rkey))
      .slice(0, sqlLimit(limit))
      .map((r) => ({ ...r }))
  }

  collections(): string[] {
    return [...new Set([...this.rows.values()].map((r) => r.collection))].sort(compareBinary)
  }

  changesSince(rev: string, limit: number): RecordChange[] {
    const newestFirst = (a: RecordChange, b: RecordChange) =>
      compareBinary(b.rev, a.rev) ||
      compareBinary(b.collection, a.collection) ||
      compareBinary(b.rkey, a.rkey)
    return [...this.rows.values(), ...this.tombstones.values()]
      .filter((r) => compareBinary(r.rev, rev) > 0)
      .map((r) => ({ collection: r.collection, rkey: r.rkey, cid: r.cid, rev: r.rev }))
      .sort(newestFirst)
      .slice(0, sqlLimit(limit))
      .reverse()
  }

  knowsRev(rev: string): boolean {
    return [...this.rows.values(), ...this.tombstones.values()].some((r) => compareBinary(r.rev, rev) <= 0)
  }

  /** Whether some record's cid is `cid`: the block store keeps such blocks live. */
  namesCid(cid: string): boolean {
    for (const row of this.rows.values()) if (row.cid === cid) return true
    return false
  }
}

const pathKey = (collection: string, rkey: string) => `${collection}\u0000${rkey}`
