/**
 * Blob metadata in the repo actor's SQLite; the bytes are R2 objects the Worker wrote.
 *
 * Lifecycle of a `blobs` row (`state`):
 * - `temporary`: uploaded, never referenced; removed by GC once older than the grace period.
 * - `permanent`: referenced by at least one record (`record_blobs`).
 * - `orphaned`: was referenced, its last reference went away; removed by the next GC sweep.
 * Linking makes a blob `permanent` again; uploading the same bytes again makes an
 * unreferenced blob `temporary` with a fresh grace period.
 *
 * `blob_r2_cleanup` lists R2 keys to delete at `due_at` unless a row claims them:
 * a reserved upload (due at the end of the grace period, so an upload that never
 * finished is cleaned up), a duplicate upload, or the bytes of a collected blob (due now).
 * Invariant: every R2 key is named by exactly one `blobs` row or one cleanup row.
 */

/** What getBlob needs to serve a blob. */
export type BlobMeta = { cid: string; mimeType: string; size: number; r2Key: string; referenced: boolean }

/** A finished upload, as the Worker reports it. */
export type FinishedUpload = { r2Key: string; cid: string; mimeType: string; size: number }

export type BlobState = 'temporary' | 'permanent' | 'orphaned'

type BlobRow = { cid: string; r2_key: string; mime_type: string; size: number; state: BlobState }

/** The repo writer's view of blobs: checked before a commit, linked inside its transaction. */
export type BlobRefHook = {
  /** The CIDs among `cids` this PDS does not hold. */
  missing(cids: readonly string[]): string[]
  /** Inside the commit transaction: the record at `uri` now references exactly `cids`. */
  setRecordBlobs(uri: string, cids: readonly string[], rev: string): void
}

export class BlobStore implements BlobRefHook {
  /** Set when a write left a blob without references, so GC should run soon. */
  private orphanedSinceTake = false

  constructor(private readonly sql: SqlStorage) {}

  /** Registers an R2 key an upload is about to write; it is deleted at `dueAt` unless claimed. */
  reserveUpload(r2Key: string, dueAt: number): void {
    this.sql.exec('INSERT INTO blob_r2_cleanup (r2_key, due_at) VALUES (?, ?)', r2Key, dueAt)
  }

  /**
   * Claims a finished upload for its CID. When the CID is already stored the new
   * object is a duplicate: its key becomes due for cleanup now, and an unreferenced
   * existing blob gets a fresh grace period (and the newly declared MIME type).
   * Returns null when the reservation is gone (it expired and was collected).
   */
  finishUpload(up: FinishedUpload, now: Date): { duplicate: boolean } | null {
    const reserved = this.sql
      .exec('SELECT 1 FROM blob_r2_cleanup WHERE r2_key = ?', up.r2Key)
      .toArray().length
    if (!reserved) return null
    const existing = this.row(up.cid)
    if (!existing) {
      // Records may already reference it: its bytes were lost, or it came with an imported repo.
      const state: BlobState = this.isReferenced(up.cid) ? 'permanent' : 'temporary'
      this.sql.exec('DELETE FROM blob_r2_cleanup WHERE r2_key = ?', up.r2Key)
      this.sql.exec(
        'INSERT INTO blobs (cid, r2_key, mime_type, size, state, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        up.cid,
        up.r2Key,
        up.mimeType,
        up.size,
        state,
        now.toISOString(),
      )
      return { duplicate: false }
    }
    this.sql.exec('UPDATE blob_r2_cleanup SET due_at = ? WHERE r2_key = ?', now.getTime(), up.r2Key)
    if (existing.state !== 'permanent') {
      this.sql.exec(
        "UPDATE blobs SET state = 'temporary', created_at = ?, mime_type = ? WHERE cid = ?",
        now.toISOString(),
        up.mimeType,
        up.cid,
      )
    }
    return { duplicate: true }
  }

  get(cid: string): BlobMeta | null {
    const row = this.row(cid)
    if (!row) return null
    return {
      cid: row.cid,
      mimeType: row.mime_type,
      size: row.size,
      r2Key: row.r2_key,
      referenced: row.state === 'permanent',
    }
  }

  /** Drops the row of a blob whose R2 object is gone (if it still names `r2Key`), so it counts as missing. */
  forgetLost(cid: string, r2Key: string): void {
    this.sql.exec('DELETE FROM blobs WHERE cid = ? AND r2_key = ?', cid, r2Key)
  }

  /** Referenced blobs in CID order after `cursor`; with `since`, only those linked by a later commit. */
  listReferenced(opts: { since: string | null; cursor: string | null; limit: number }): string[] {
    return this.sql
      .exec<{ blob_cid: string }>(
        `SELECT DISTINCT r.blob_cid FROM record_blobs r JOIN blobs b ON b.cid = r.blob_cid
         WHERE r.blob_cid > ? AND r.rev > ? ORDER BY r.blob_cid LIMIT ?`,
        opts.cursor ?? '',
        opts.since ?? '',
        opts.limit,
      )
      .toArray()
      .map((r) => r.blob_cid)
  }

  /** Blobs records reference but this PDS does not hold, in CID order after `cursor`. */
  listMissing(opts: { cursor: string | null; limit: number }): { cid: string; recordUri: string }[] {
    return this.sql
      .exec<{ cid: string; record_uri: string }>(
        `SELECT r.blob_cid AS cid, MIN(r.record_uri) AS record_uri FROM record_blobs r
         WHERE r.blob_cid > ? AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.cid = r.blob_cid)
         GROUP BY r.blob_cid ORDER BY r.blob_cid LIMIT ?`,
        opts.cursor ?? '',
        opts.limit,
      )
      .toArray()
      .map((r) => ({ cid: r.cid, recordUri: r.record_uri }))
  }

  missing(cids: readonly string[]): string[] {
    return cids.filter((cid) => !this.row(cid))
  }

  setRecordBlobs(uri: string, cids: readonly string[], rev: string): void {
    const old = this.sql
      .exec<{ blob_cid: string }>('SELECT blob_cid FROM record_blobs WHERE record_uri = ?', uri)
      .toArray()
      .map((r) => r.blob_cid)
    if (old.length > 0) this.sql.exec('DELETE FROM record_blobs WHERE record_uri = ?', uri)
    for (const cid of cids) {
      this.sql.exec('INSERT INTO record_blobs (record_uri, blob_cid, rev) VALUES (?, ?, ?)', uri, cid, rev)
      this.sql.exec("UPDATE blobs SET state = 'permanent' WHERE cid = ? AND state != 'permanent'", cid)
    }
    for (const cid of old) {
      if (cids.includes(cid) || this.isReferenced(cid)) continue
      this.sql.exec("UPDATE blobs SET state = 'orphaned' WHERE cid = ?", cid)
      this.orphanedSinceTake = true
    }
  }

  /**
   * After `record_blobs` was replaced wholesale (importRepo), inside that transaction:
   * referenced rows become permanent, permanent rows no record names become orphaned.
   * True when some were orphaned, so GC should run.
   */
  restateAll(): boolean {
    this.sql.exec(
      "UPDATE blobs SET state = 'permanent' WHERE state != 'permanent' AND cid IN (SELECT blob_cid FROM record_blobs)",
    )
    const orphaned = this.sql.exec(
      "UPDATE blobs SET state = 'orphaned' WHERE state = 'permanent' AND cid NOT IN (SELECT blob_cid FROM record_blobs)",
    ).rowsWritten
    return orphaned > 0
  }

  /** For checkAccountStatus: blobs held (any state) and distinct blobs records reference. */
  counts(): { importedBlobs: number; expectedBlobs: number } {
    const one = (query: string) => this.sql.exec<{ n: number }>(query).one().n
    return {
      importedBlobs: one('SELECT COUNT(*) AS n FROM blobs'),
      expectedBlobs: one('SELECT COUNT(DISTINCT blob_cid) AS n FROM record_blobs'),
    }
  }

  /** True once after a write orphaned a blob. */
  takeOrphaned(): boolean {
    const was = this.orphanedSinceTake
    this.orphanedSinceTake = false
    return was
  }

  /**
   * Deletes up to `limit` collectable rows (orphaned, or temporary and created at or
   * before `expiredBefore`) that no record references, re-checked here, and queues
   * their R2 keys for deletion now. Call inside a transaction, serialized with writes.
   */
  condemn(expiredBefore: Date, now: number, limit: number): string[] {
    const rows = this.sql
      .exec<{ cid: string; r2_key: string }>(
        `SELECT cid, r2_key FROM blobs
         WHERE (state = 'orphaned' OR (state = 'temporary' AND created_at <= ?))
         AND NOT EXISTS (SELECT 1 FROM record_blobs r WHERE r.blob_cid = blobs.cid) LIMIT ?`,
        expiredBefore.toISOString(),
        limit,
      )
      .toArray()
    for (const row of rows) {
      this.sql.exec('DELETE FROM blobs WHERE cid = ?', row.cid)
      this.sql.exec(
        'INSERT INTO blob_r2_cleanup (r2_key, due_at) VALUES (?, ?) ON CONFLICT (r2_key) DO UPDATE SET due_at = excluded.due_at',
        row.r2_key,
        now,
      )
    }
    return rows.map((r) => r.cid)
  }

  /** R2 keys due for deletion. */
  dueKeys(now: number, limit: number): string[] {
    return this.sql
      .exec<{ r2_key: string }>(
        'SELECT r2_key FROM blob_r2_cleanup WHERE due_at <= ? ORDER BY due_at LIMIT ?',
        now,
        limit,
      )
      .toArray()
      .map((r) => r.r2_key)
  }

  /** Drops cleanup rows once their R2 objects are deleted. */
  forget(r2Keys: readonly string[]): void {
    for (const key of r2Keys) this.sql.exec('DELETE FROM blob_r2_cleanup WHERE r2_key = ?', key)
  }

  /** When GC next has work: now for orphans, else the earliest expiry or cleanup deadline. */
  nextDeadline(graceMs: number, now: number): number | null {
    if (this.sql.exec("SELECT 1 FROM blobs WHERE state = 'orphaned' LIMIT 1").toArray().length) return now
    const oldest = this.sql
      .exec<{ t: string | null }>("SELECT MIN(created_at) AS t FROM blobs WHERE state = 'temporary'")
      .toArray()[0]?.t
    const cleanup = this.sql
      .exec<{ t: number | null }>('SELECT MIN(due_at) AS t FROM blob_r2_cleanup')
      .toArray()[0]?.t
    const times = [oldest ? Date.parse(oldest) + graceMs : null, cleanup ?? null].filter(
      (t): t is number => t !== null,
    )
    return times.length ? Math.min(...times) : null
  }

  private row(cid: string): BlobRow | null {
    return this.sql.exec<BlobRow>('SELECT * FROM blobs WHERE cid = ?', cid).toArray()[0] ?? null
  }

  private isReferenced(cid: string): boolean {
    return this.sql.exec('SELECT 1 FROM record_blobs WHERE blob_cid = ? LIMIT 1', cid).toArray().length > 0
  }
}
