import type { Logger } from '../../../shared/logger'
import type { RepoHead } from '../commit/commit-builder'
import type { AlarmSchedule } from '../schedule/alarm-schedule'
import type { SnapshotInfo, SnapshotStore } from './snapshot-bucket'

const HOUR_MS = 3_600_000

export type RepoSnapshotsDeps = {
  bucket: SnapshotStore
  /** The writer's current head. */
  head: () => RepoHead
  /** The CAR `getRepo` serves for `head` (every block up to its rev, rooted at its commit). */
  exportCar: (head: RepoHead) => ReadableStream<Uint8Array>
  schedule: AlarmSchedule
  /** `BACKUP_EVERY_HOURS`; null when snapshots are off (or on an instance that must not take them). */
  everyHours: number | null
  /** `BACKUP_KEEP`. */
  keep: number
  log: Logger
}

/** What the owner's status view shows of the snapshots. */
export type SnapshotStatus = {
  everyHours: number | null
  keep: number
  /** When the next snapshot is due (ISO 8601), null when off. */
  next: string | null
  /** Newest first. */
  snapshots: SnapshotInfo[]
}

export type SnapshotRun = { written: SnapshotInfo | null; pruned: string[] }

/**
 * Scheduled snapshots of the repo CAR into R2, driven by the `snapshot` alarm purpose.
 *
 * A run:
 * 1. Fixes the head once. When the newest snapshot already has its rev, nothing is written.
 * 2. Otherwise exports the CAR of that head twice: once to count its bytes, then into one
 *    R2 put of that length. Both passes read the same blocks: blocks are kept per rev and
 *    a removed one stays for `RETIRED_BLOCK_GRACE_MS`, so writes meanwhile change nothing
 *    (a run longer than that grace, or an importRepo swap during it, fails the length check).
 * 3. Deletes all but the newest `keep` snapshots.
 * 4. Sets the next slot, whether or not the run failed: a failure is logged and the next
 *    slot tries again. Nothing here runs in the writer's queue, so writes never wait on it.
 */
export class RepoSnapshots {
  private running: Promise<unknown> = Promise.resolve()

  constructor(private readonly deps: RepoSnapshotsDeps) {}

  private get everyMs(): number | null {
    return this.deps.everyHours === null ? null : this.deps.everyHours * HOUR_MS
  }

  /**
   * At open: switched on with no slot pending (first start, or just switched on), the first
   * snapshot is due now; with one pending, a shorter interval brings it forward. Off clears it.
   */
  async start(now: number): Promise<void> {
    const { schedule } = this.deps
    const every = this.everyMs
    if (every === null) await schedule.set('snapshot', null)
    else if (schedule.deadline('snapshot') === null) await schedule.atMost('snapshot', now)
    else await schedule.atMost('snapshot', now + every)
  }

  /** One scheduled run as of `now` (ms since epoch); runs never overlap. Never throws. */
  run(now: number): Promise<SnapshotRun> {
    const next = this.running.then(
      () => this.runNow(now),
      () => this.runNow(now),
    )
    this.running = next.catch(() => undefined)
    return next
  }

  /** The schedule and the snapshots, newest first; a failed R2 list shows none (and is logged). */
  async status(): Promise<SnapshotStatus> {
    const next = this.deps.schedule.deadline('snapshot')
    let snapshots: SnapshotInfo[] = []
    if (this.everyMs !== null) {
      try {
        snapshots = (await this.deps.bucket.list()).reverse()
      } catch (e) {
        this.deps.log.warn('could not list repo snapshots', { error: String(e) })
      }
    }
    return {
      everyHours: this.deps.everyHours,
      keep: this.deps.keep,
      next: this.everyMs === null || next === null ? null : new Date(next).toISOString(),
      snapshots,
    }
  }

  private async runNow(now: number): Promise<SnapshotRun> {
    const every = this.everyMs
    if (every === null) {
      await this.deps.schedule.set('snapshot', null)
      return { written: null, pruned: [] }
    }
    try {
      return await this.take(now)
    } catch (e) {
      this.deps.log.error('repo snapshot failed; retrying at the next slot', { error: String(e) })
      return { written: null, pruned: [] }
    } finally {
      await this.deps.schedule.set('snapshot', now + every)
    }
  }

  private async take(now: number): Promise<SnapshotRun> {
    const { bucket, log } = this.deps
    const head = this.deps.head()
    const existing = await bucket.list()
    let written: SnapshotInfo | null = null
    if (existing.at(-1)?.rev !== head.rev) {
      const size = await byteLength(this.deps.exportCar(head))
      const time = new Date(now)
      const key = await bucket.write({
        rev: head.rev,
        commit: head.cid.toString(),
        size,
        time,
        car: this.deps.exportCar(head),
      })
      written = { key, rev: head.rev, time: time.toISOString(), size }
      // An overwritten key (the same rev again) is listed once.
      const others = existing.filter((s) => s.key !== key)
      existing.splice(0, existing.length, ...others, written)
      log.info('repo snapshot written', { key, rev: head.rev, bytes: size })
    }
    const pruned = existing.slice(0, Math.max(0, existing.length - this.deps.keep)).map((s) => s.key)
    if (pruned.length > 0) {
      await bucket.delete(pruned)
      log.info('old repo snapshots deleted', { count: pruned.length })
    }
    return { written, pruned }
  }
}

async function byteLength(stream: ReadableStream<Uint8Array>): Promise<number> {
  let n = 0
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return n
    n += value.byteLength
  }
}
