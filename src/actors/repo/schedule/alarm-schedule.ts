import type { Logger } from '../../../shared/logger'

/** The jobs that share the repo actor's one Durable Object alarm. */
export type AlarmPurpose = 'delivery' | 'blob-gc'

/** What the schedule needs of `ctx.storage`. */
export type AlarmStorage = {
  setAlarm(scheduledTime: number): Promise<void>
  deleteAlarm(): Promise<void>
}

/** After a failed job, it runs again this much later. */
const RETRY_AFTER_FAILURE_MS = 60_000

/**
 * Multiplexes the one Durable Object alarm between purposes. Each purpose keeps its
 * earliest pending deadline in SQLite (`alarm_schedule`), so deadlines survive
 * eviction together with the alarm itself; the alarm is always set to the minimum.
 *
 * Invariant: a row exists for every purpose with pending work, and the DO alarm is
 * at or before the smallest `due_at`. `runDue` removes a purpose's row before
 * running it, so a job that re-schedules itself while running is not lost.
 */
export class AlarmSchedule {
  constructor(
    private readonly sql: SqlStorage,
    private readonly storage: AlarmStorage,
    private readonly log: Logger,
  ) {}

  /** Asks for `purpose` to run no later than `at` (ms since epoch); an earlier deadline is kept. */
  async atMost(purpose: AlarmPurpose, at: number): Promise<void> {
    this.sql.exec(
      'INSERT INTO alarm_schedule (purpose, due_at) VALUES (?, ?) ON CONFLICT (purpose) DO UPDATE SET due_at = MIN(due_at, excluded.due_at)',
      purpose,
      Math.floor(at),
    )
    await this.arm()
  }

  /** Replaces the deadline of `purpose`; null means it has nothing pending. */
  async set(purpose: AlarmPurpose, at: number | null): Promise<void> {
    if (at === null) this.sql.exec('DELETE FROM alarm_schedule WHERE purpose = ?', purpose)
    else
      this.sql.exec(
        'INSERT INTO alarm_schedule (purpose, due_at) VALUES (?, ?) ON CONFLICT (purpose) DO UPDATE SET due_at = excluded.due_at',
        purpose,
        Math.floor(at),
      )
    await this.arm()
  }

  /** The pending deadline of `purpose`, if any (for tests and diagnostics). */
  deadline(purpose: AlarmPurpose): number | null {
    const row = this.sql
      .exec<{ due_at: number }>('SELECT due_at FROM alarm_schedule WHERE purpose = ?', purpose)
      .toArray()[0]
    return row ? row.due_at : null
  }

  /**
   * Runs every purpose whose deadline has passed, then re-arms the alarm. A job that
   * throws is logged and retried a minute later; it never blocks the other purposes.
   */
  async runDue(jobs: Record<AlarmPurpose, () => Promise<void>>, now: number): Promise<void> {
    const due = this.sql
      .exec<{ purpose: string }>('SELECT purpose FROM alarm_schedule WHERE due_at <= ?', now)
      .toArray()
      .map((r) => r.purpose)
    for (const purpose of due) {
      this.sql.exec('DELETE FROM alarm_schedule WHERE purpose = ?', purpose)
      const job = (jobs as Record<string, (() => Promise<void>) | undefined>)[purpose]
      if (!job) continue // a purpose this version no longer has
      try {
        await job()
      } catch (e) {
        this.log.warn('alarm job failed; retrying', { purpose, error: String(e) })
        await this.atMost(purpose as AlarmPurpose, Date.now() + RETRY_AFTER_FAILURE_MS)
      }
    }
    await this.arm()
  }

  /** Sets the DO alarm to the earliest deadline, or clears it when nothing is pending. */
  private async arm(): Promise<void> {
    const next = this.sql
      .exec<{ next: number | null }>('SELECT MIN(due_at) AS next FROM alarm_schedule')
      .toArray()[0]?.next
    if (next === null || next === undefined) await this.storage.deleteAlarm()
    else await this.storage.setAlarm(next)
  }
}
