import type { Limits } from '../../shared/config/limits'
import { err, ok, type Result } from '../../shared/result'
import { type AccountCode, type RateLimited, rateLimited } from './account-codes'
import type { AppPasswordInfo, AppPasswordStore } from './app-password-store'
import type { OAuthStore } from './oauth/oauth-store'
import type { OnceKey } from './oauth/oauth-types'
import type { RateCounters } from './rate-counters'
import type { ServiceGrants } from './service-grants'
import type { SessionEpoch } from './session-epoch'

/**
 * What the Worker verified about a bearer credential, for the actor to confirm:
 * the static `AUTH_TOKEN`; an access JWT (its app password and session generation);
 * an inbound owner service JWT (its `jti`); or a DPoP-bound OAuth access token (its grant,
 * and the proof's single-use key).
 */
export type CredentialCheck =
  | { kind: 'static' }
  | { kind: 'session'; appPasswordId: string | null; generation: number | null }
  | { kind: 'service'; jti: string }
  | { kind: 'oauth'; grantId: string; proof: OnceKey }

/** The quota a call uses: records written and blob bytes uploaded. */
export type Usage = { records?: number; blobBytes?: number }

/** A confirmed credential: its app password, and the key its quotas are counted under. */
export type Admitted = { appPassword: AppPasswordInfo | null; quotaKey: string }

/** The quota key of a credential: the static token, the main password, or one app password. */
export const quotaKeyFor = (appPasswordId: string | null): string =>
  appPasswordId === null ? 'password' : `app-password:${appPasswordId}`

/**
 * Confirms a credential and charges its quota in one step, so an authenticated write costs
 * one account-actor call. Call inside a transaction.
 */
export function admitCredential(
  deps: {
    epoch: SessionEpoch
    grants: ServiceGrants
    counters: RateCounters
    appPasswords: AppPasswordStore
    oauth: OAuthStore
  },
  limits: Limits,
  check: CredentialCheck,
  usage: Usage,
  now: number,
): Result<Admitted, AccountCode> | RateLimited {
  let admitted: Admitted
  if (check.kind === 'static') {
    admitted = { appPassword: null, quotaKey: 'static' }
  } else if (check.kind === 'session') {
    if (check.generation !== deps.epoch.generation()) return err('ExpiredToken', 'Token has been revoked')
    const appPassword = check.appPasswordId === null ? null : deps.appPasswords.byId(check.appPasswordId)
    if (check.appPasswordId !== null && appPassword === null)
      return err('TokenRevoked', 'Token has been revoked')
    admitted = { appPassword, quotaKey: quotaKeyFor(check.appPasswordId) }
  } else if (check.kind === 'oauth') {
    const access = deps.oauth.admitAccess(check.grantId, check.proof, now)
    if (!access.ok) return access
    admitted = { appPassword: null, quotaKey: access.value.quotaKey }
  } else {
    const grant = deps.grants.consume(check.jti, now, deps.epoch.generation(), {
      appPasswordExists: (id) => deps.appPasswords.byId(id) !== null,
      oauthGrantLive: (id) => deps.oauth.grantLive(id, now),
    })
    if (!grant.ok) return grant
    admitted = { appPassword: null, quotaKey: grant.value.quotaKey }
  }
  const refused = chargeUsage(deps.counters, limits, admitted.quotaKey, usage, now)
  return refused ?? ok(admitted)
}

/**
 * Charges `usage` to `quotaKey`; a refusal, or null when admitted. A refused charge costs
 * nothing unless `keepRefused` (usage measured after it happened).
 */
export function chargeUsage(
  counters: RateCounters,
  limits: Limits,
  quotaKey: string,
  usage: Usage,
  now: number,
  keepRefused = false,
): RateLimited | null {
  const charges = [
    { prefix: 'records', rules: limits.recordWrites, units: usage.records, what: 'record writes' },
    { prefix: 'blob-bytes', rules: limits.blobBytes, units: usage.blobBytes, what: 'blob upload bytes' },
  ]
  for (const c of charges) {
    if (c.units === undefined) continue
    const meters = c.rules.map((rule) => ({ key: `${c.prefix}:${quotaKey}`, rule }))
    const result = counters.charge(meters, c.units, now, { keepRefused })
    if (!result.admitted)
      return rateLimited(result.state, `Too many ${c.what} for this credential, try again later`)
  }
  return null
}
