import type { RateRule } from '../../shared/config/limits'

/** What the `ratelimit-*` headers report for the rule that refused a call. */
export type RateLimitState = { limit: number; remaining: number; resetAt: number }

/** One counter to charge: a scope (`login-fail:ip:203.0.113.9`, `records:password`, …) under one rule. */
export type Meter = { key: string; rule: RateRule }

/** Names a counter row in one window, so a later refund hits the same window or nothing. */
export type CounterRef = { key: string; windowStart: number }

export type ChargeResult =
  | { admitted: true; charged: CounterRef[] }
  | { admitted: false; state: RateLimitState }

/**
 * Exact fixed-window counters in the account actor's SQLite.
 *
 * A rule `{limit, windowMs}` counts in windows aligned to the epoch: the window of time
 * `t` starts at `floor(t / windowMs) * windowMs` and resets `windowMs` later, so
 * `ratelimit-reset` is exact and a row is one integer per scope and rule. Fixed windows
 * let a caller spend up to twice the limit across one boundary; with the short window
 * paired with a daily one (30/5m and 300/1d) that burst stays bounded by the day.
 *
 * A charge adds first and then checks (`count > limit` refuses), all inside one
 * synchronous transaction: the actor runs one call at a time and the check never races
 * the add. `keepRefused` decides whether a refused charge still counts (logins: yes, so
 * guessing while limited stays limited; writes: no, a refused batch costs nothing).
 * A zero-unit charge is refused once a counter is full: a chunked upload whose size is
 * unknown is admitted only while there is room.
 */
export class RateCounters {
  constructor(private readonly sql: SqlStorage) {}

  /** Adds `units` to every meter's counter; refused when any ends over its limit. */
  charge(meters: readonly Meter[], units: number, now: number, opts: { keepRefused: boolean }): ChargeResult {
    const charged: CounterRef[] = []
    let refused: RateLimitState | null = null
    for (const { key, rule } of meters) {
      const rowKey = `${key}|${rule.windowMs}`
      const windowStart = Math.floor(now / rule.windowMs) * rule.windowMs
      const resetAt = windowStart + rule.windowMs
      const { count } = this.sql
        .exec<{ count: number }>(
          `INSERT INTO rate_counters (key, window_start, count, reset_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN window_start = excluded.window_start THEN count + excluded.count ELSE excluded.count END,
             window_start = excluded.window_start,
             reset_at = excluded.reset_at
           RETURNING count`,
          rowKey,
          windowStart,
          units,
          resetAt,
        )
        .one()
      charged.push({ key: rowKey, windowStart })
      const over = count > rule.limit || (units === 0 && count >= rule.limit)
      // The caller must wait for the latest reset among the rules it broke.
      if (over && (refused === null || resetAt > refused.resetAt)) {
        refused = { limit: rule.limit, remaining: 0, resetAt }
      }
    }
    if (refused === null) return { admitted: true, charged }
    if (!opts.keepRefused) this.refund(charged, units)
    return { admitted: false, state: refused }
  }

  /** Takes `units` back from counters still in the window they were charged in. */
  refund(refs: readonly CounterRef[], units: number): void {
    for (const ref of refs) {
      this.sql.exec(
        'UPDATE rate_counters SET count = MAX(count - ?, 0) WHERE key = ? AND window_start = ?',
        units,
        ref.key,
        ref.windowStart,
      )
    }
  }

  /** Drops counters whose window has ended: they would restart from zero anyway. */
  prune(now: number): void {
    this.sql.exec('DELETE FROM rate_counters WHERE reset_at <= ?', now)
  }
}
