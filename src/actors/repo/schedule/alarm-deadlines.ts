/**
 * The earliest pending deadline (ms since epoch) of each alarm purpose, kept where it
 * survives eviction. Purposes are plain strings here: rows written by an older version
 * may name a purpose this one no longer has. Implementations: `SqlAlarmDeadlines`
 * (the `alarm_schedule` table), `MemoryAlarmDeadlines` (tests).
 */
export interface AlarmDeadlines {
  /** Sets the deadline of `purpose` to `at`, or keeps its current one if that is earlier. */
  keepEarliest(purpose: string, at: number): void
  /** Sets the deadline of `purpose` to `at`, earlier or later. */
  replace(purpose: string, at: number): void
  remove(purpose: string): void
  get(purpose: string): number | null
  /** The purposes whose deadline is at or before `now`. */
  due(now: number): string[]
  /** The smallest deadline, or null when nothing is pending. */
  earliest(): number | null
}
