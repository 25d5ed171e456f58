import { type Clock, systemClock } from '../../../shared/clock'
import type { Logger } from '../../../shared/logger'
import type { AlarmDeadlines } from './alarm-deadlines'

/** The jobs that share the repo actor's one Durable Object alarm. */
export type AlarmPurpose = 'delivery' | 'blob-gc' | 'snapshot'

/** What the schedule needs of `ctx.storage`. */
export type AlarmStorage = {
  setAlarm(scheduledTime: number): Promise<void>
  deleteAlarm(): Promise<void>
}

/** After a failed job, it runs again this much later. */
const RETRY_AFTER_FAILURE_MS = 60_000

/**
 * Multiplexes the one Durable Object alarm between purposes. Each purpose keeps its
 * earliest pending deadline in `deadlines` (SQLite in the actor), so deadlines survive
 * eviction together with the alarm itself; the alarm is always set to the minimum.
 *
 * Invariant: a row exists for every purpose with pending work, and the DO alarm is
 * at or before the smallest `due_at`. `runDue` removes a purpose's row before
 * running it, so a job that re-schedules itself while running is not lost.
 */
export class AlarmSchedule {
  constructor(
    private readonly deadlines: AlarmDeadlines,
    private readonly storage: AlarmStorage,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Asks for `purpose` to run no later than `at` (ms since epoch); an earlier deadline is kept. */
  async atMost(purpose: AlarmPurpose, at: number): Promise<void> {
    this.deadlines.keepEarliest(purpose, Math.floor(at))
    await this.arm()
  }

  /** Replaces the deadline of `purpose`; null means it has nothing pending. */
  async set(purpose: AlarmPurpose, at: number | null): Promise<void> {
    if (at === null) this.deadlines.remove(purpose)
    else this.deadlines.replace(purpose, Math.floor(at))
    await this.arm()
  }

  /** The pending deadline of `purpose`, if any (for tests and diagnostics). */
  deadline(purpose: AlarmPurpose): number | null {
    return this.deadlines.get(purpose)
  }

  /**
   * Runs every purpose whose deadline has passed, then re-arms the alarm. A job that
   * throws is logged and retried a minute later; it never blocks the other purposes.
   * `now` defaults to the schedule's clock.
   */
  async runDue(jobs: Record<AlarmPurpose, () => Promise<void>>, now = this.clock.now()): Promise<void> {
    for (const purpose of this.deadlines.due(now)) {
      this.deadlines.remove(purpose)
      const job = (jobs as Record<string, (() => Promise<void>) | undefined>)[purpose]
      if (!job) continue // a purpose this version no longer has
      try {
        await job()
      } catch (e) {
        this.log.warn('alarm job failed; retrying', { purpose, error: String(e) })
        await this.atMost(purpose as AlarmPurpose, this.clock.now() + RETRY_AFTER_FAILURE_MS)
      }
    }
    await this.arm()
  }

  /** Sets the DO alarm to the earliest deadline, or clears it when nothing is pending. */
  private async arm(): Promise<void> {
    const next = this.deadlines.earliest()
    if (next === null) await this.storage.deleteAlarm()
    else await this.storage.setAlarm(next)
  }
}
