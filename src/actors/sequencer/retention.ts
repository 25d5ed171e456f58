/** Keep at least this long and at least this many events (both must be exceeded to prune). */
export type RetentionPolicy = { maxAgeMs: number; minEvents: number }

export const DEFAULT_RETENTION: RetentionPolicy = { maxAgeMs: 72 * 60 * 60 * 1000, minEvents: 10_000 }

/** `FIREHOSE_RETENTION_HOURS` and `FIREHOSE_RETENTION_MIN_EVENTS`, falling back to the defaults. */
export function retentionFromEnv(env: {
  FIREHOSE_RETENTION_HOURS?: string
  FIREHOSE_RETENTION_MIN_EVENTS?: string
}): RetentionPolicy {
  const number = (raw: string | undefined) =>
    raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw)
  const hours = number(env.FIREHOSE_RETENTION_HOURS)
  const events = number(env.FIREHOSE_RETENTION_MIN_EVENTS)
  return {
    maxAgeMs: Number.isFinite(hours) && hours > 0 ? hours * 60 * 60 * 1000 : DEFAULT_RETENTION.maxAgeMs,
    minEvents: Number.isInteger(events) && events >= 0 ? events : DEFAULT_RETENTION.minEvents,
  }
}
