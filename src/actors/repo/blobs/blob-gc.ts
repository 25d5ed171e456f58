import type { Logger } from '../../../shared/logger'
import type { AlarmSchedule } from '../schedule/alarm-schedule'
import type { BlobStore } from './blob-store'

/** Rows condemned per transaction, and R2 keys per delete call (R2 allows 1,000). */
const CONDEMN_BATCH = 500
const DELETE_BATCH = 1000

export type BlobGcDeps = {
  store: BlobStore
  /** Only the bucket's delete: the Worker writes blob bytes; GC is the one thing that removes them. */
  bucket: Pick<R2Bucket, 'delete'>
  schedule: AlarmSchedule
  /** Runs `fn` in the repo writer's queue, so no write is between its blob check and its commit. */
  exclusive: <T>(fn: () => Promise<T>) => Promise<T>
  transaction: <T>(fn: () => T) => T
  /** How long an unreferenced upload is kept (`BLOB_GRACE_HOURS`), in ms. */
  graceMs: number
  log: Logger
}

export type SweepResult = { deletedBlobs: string[]; deletedObjects: number }

/**
 * Garbage collection of blobs, driven by the `blob-gc` alarm purpose.
 *
 * A sweep has two steps:
 * 1. Condemn, in the writer's queue and in one transaction: re-check that each
 *    candidate has no reference, delete its metadata row and queue its R2 key.
 *    Serializing with writes means no write can pass its "blob exists" check
 *    before this step and link the blob after it.
 * 2. Delete the queued R2 keys, then drop their cleanup rows. Bytes go only after
 *    the row naming them is gone, and a new upload of the same CID always writes a
 *    new key, so deleting an old key never takes bytes a live row needs. A failed
 *    R2 delete leaves the cleanup rows; the next sweep tries again.
 * Finally the alarm is set to the next deadline the tables imply.
 */
export class BlobGc {
  private running: Promise<unknown> = Promise.resolve()

  constructor(private readonly deps: BlobGcDeps) {}

  /** Runs one sweep as of `now` (ms since epoch); sweeps never overlap. */
  sweep(now: number): Promise<SweepResult> {
    const run = this.running.then(
      () => this.sweepNow(now),
      () => this.sweepNow(now),
    )
    this.running = run.catch(() => undefined)
    return run
  }

  /**
   * Asks for a sweep right away, after a write orphaned a blob or a duplicate upload.
   * Never throws: the caller's commit is already durable, and a missed wake-up only
   * delays collection until the next scheduled sweep.
   */
  async soon(): Promise<void> {
    try {
      await this.deps.schedule.atMost('blob-gc', Date.now())
    } catch (e) {
      this.deps.log.warn('could not schedule blob GC', { error: String(e) })
    }
  }

  /**
   * Records the R2 key an upload starting at `now` will write, due for deletion when
   * the grace period ends unless the finished upload claims it, and wakes GC then
   * (when the blob, if never referenced, expires too).
   */
  async reserveUpload(r2Key: string, now: number): Promise<void> {
    const { graceMs } = this.deps
    const due = now + graceMs
    this.deps.store.reserveUpload(r2Key, due)
    await this.deps.schedule.atMost('blob-gc', due)
  }

  private async sweepNow(now: number): Promise<SweepResult> {
    const { store, graceMs, log } = this.deps
    const expiredBefore = new Date(now - graceMs)
    const deletedBlobs = await this.deps.exclusive(async () =>
      this.deps.transaction(() => store.condemn(expiredBefore, now, CONDEMN_BATCH)),
    )
    const keys = store.dueKeys(now, DELETE_BATCH)
    if (keys.length > 0) {
      await this.deps.bucket.delete(keys)
      store.forget(keys)
    }
    if (deletedBlobs.length > 0) log.info('blob GC', { blobs: deletedBlobs.length, objects: keys.length })
    const more = deletedBlobs.length === CONDEMN_BATCH || keys.length === DELETE_BATCH
    await this.deps.schedule.set('blob-gc', more ? now : store.nextDeadline(graceMs, now))
    return { deletedBlobs, deletedObjects: keys.length }
  }
}
