import type { Limits } from '../../shared/config/limits'
import { ok, type Result } from '../../shared/result'
import { type AccountCode, type RateLimited, rateLimited } from './account-codes'
import type { CounterRef, Meter, RateCounters } from './rate-counters'

/** Who is trying to log in: the identifier as the Worker normalised it, and the client IP. */
export type LoginAttempt = { identifier: string; ip: string }

/** Hands the failure counters an attempt reserved to `completeLogin`, which gives them back. */
export type LoginTicket = { failures: CounterRef[] }

const meters = (rules: Limits['loginFailures'], prefix: string, attempt: LoginAttempt): Meter[] =>
  rules.flatMap((rule) => [
    { key: `${prefix}:id:${attempt.identifier}`, rule },
    { key: `${prefix}:ip:${attempt.ip}`, rule },
  ])

/**
 * Admits a login attempt before anything is compared or hashed.
 *
 * Every attempt is counted first, then checked, per identifier, per client IP and
 * overall (`loginAttempts`, `loginGlobal`). It also counts as a failure up front
 * (`loginFailures`), so concurrent guesses cannot all slip under the failure limit
 * while their hashes run; a successful login refunds that reservation (`refundFailure`).
 * A success never resets the failure window: otherwise the owner logging in now and
 * then would hand a guesser a fresh budget each time. Refused attempts stay counted.
 */
export function admitLogin(
  counters: RateCounters,
  limits: Limits,
  attempt: LoginAttempt,
  now: number,
): Result<LoginTicket, AccountCode> | RateLimited {
  counters.prune(now)
  const all = counters.charge(
    [
      ...meters(limits.loginAttempts, 'login', attempt),
      ...limits.loginGlobal.map((rule) => ({ key: 'login:all', rule })),
    ],
    1,
    now,
    { keepRefused: true },
  )
  const failed = counters.charge(meters(limits.loginFailures, 'login-fail', attempt), 1, now, {
    keepRefused: true,
  })
  const refusal = [all, failed].flatMap((r) => (r.admitted ? [] : [r.state]))
  if (refusal.length > 0) {
    const state = refusal.reduce((a, b) => (b.resetAt > a.resetAt ? b : a))
    return rateLimited(state, 'Too many login attempts, try again later')
  }
  return ok({ failures: failed.admitted ? failed.charged : [] })
}

/** A successful login: its failure reservation goes back. */
export function refundFailure(counters: RateCounters, ticket: LoginTicket): void {
  counters.refund(ticket.failures, 1)
}
