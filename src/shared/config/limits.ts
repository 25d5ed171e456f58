import { ok } from '../result'
import { allOk, badSetting, type ConfigResult, isUnset } from './values'

/** At most `limit` units per fixed window of `windowMs` (see `rate-counters.ts`). */
export type RateRule = { limit: number; windowMs: number }

/** Abuse limits; every list holds one rule per window, and all of a list's rules apply. */
export type Limits = {
  /** Failed logins per identifier and per client IP (`LOGIN_LIMIT_FAILURES`). */
  loginFailures: RateRule[]
  /** All logins, failed or not, per identifier and per client IP (`LOGIN_LIMIT_ATTEMPTS`). */
  loginAttempts: RateRule[]
  /** All logins to this PDS together (`LOGIN_LIMIT_GLOBAL`). */
  loginGlobal: RateRule[]
  /** Records created, updated or deleted per credential (`WRITE_LIMIT_RECORDS`). */
  recordWrites: RateRule[]
  /** Blob bytes uploaded per credential (`WRITE_LIMIT_BLOB_BYTES`). */
  blobBytes: RateRule[]
  /** PAR, token and revocation requests per client IP (`OAUTH_LIMIT_REQUESTS`). */
  oauthRequests: RateRule[]
}

/** The defaults: the reference PDS's login limits (30 per 5 minutes, 300 a day) and generous write quotas. */
export const DEFAULT_LIMITS = {
  LOGIN_LIMIT_FAILURES: '30/5m,300/1d',
  LOGIN_LIMIT_ATTEMPTS: '60/5m,600/1d',
  LOGIN_LIMIT_GLOBAL: '300/5m,3000/1d',
  WRITE_LIMIT_RECORDS: '5000/1h',
  WRITE_LIMIT_BLOB_BYTES: '5368709120/1h',
  OAUTH_LIMIT_REQUESTS: '300/5m,3000/1d',
} as const

type LimitSetting = keyof typeof DEFAULT_LIMITS

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }
const RULE_RE = /^(\d+)\/(\d+)([smhd])$/

/** `30/5m,300/1d`: a comma-separated list of `<count>/<window>`, the window in s, m, h or d. */
export function parseRateRules(name: string, raw: string): ConfigResult<RateRule[]> {
  const rules: RateRule[] = []
  for (const part of raw.split(',').map((p) => p.trim())) {
    const m = RULE_RE.exec(part)
    const limit = Number(m?.[1])
    const windowMs = Number(m?.[2]) * (UNIT_MS[m?.[3] ?? ''] ?? Number.NaN)
    if (
      !m ||
      !Number.isSafeInteger(limit) ||
      limit <= 0 ||
      !Number.isSafeInteger(windowMs) ||
      windowMs <= 0
    ) {
      return badSetting(
        name,
        `expected rules like 30/5m,300/1d (count per window in s, m, h or d), got ${raw}`,
      )
    }
    rules.push({ limit, windowMs })
  }
  return ok(rules)
}

/** Parses the limit settings; unset ones take their defaults. */
export function parseLimits(env: Partial<Record<LimitSetting, string>>): ConfigResult<Limits> {
  const read = (name: LimitSetting) => {
    const raw = env[name]
    return parseRateRules(name, isUnset(raw) ? DEFAULT_LIMITS[name] : raw.trim())
  }
  return allOk({
    loginFailures: read('LOGIN_LIMIT_FAILURES'),
    loginAttempts: read('LOGIN_LIMIT_ATTEMPTS'),
    loginGlobal: read('LOGIN_LIMIT_GLOBAL'),
    recordWrites: read('WRITE_LIMIT_RECORDS'),
    blobBytes: read('WRITE_LIMIT_BLOB_BYTES'),
    oauthRequests: read('OAUTH_LIMIT_REQUESTS'),
  })
}
