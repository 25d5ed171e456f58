import { DurableObject } from 'cloudflare:workers'
import { type Limits, parseLimits } from '../../shared/config-limits'
import { ok, type Result } from '../../shared/result'
import { passwordEpoch } from '../../shared/session-epoch'
import { runMigrations } from '../../shared/sql-migrations'
import { repoActorStub } from '../repo'
import type { AccountCode, RateLimited } from './account-codes'
import {
  type AppPasswordInfo,
  type AppPasswordListing,
  AppPasswordStore,
  type StoredPasswordHash,
} from './app-password-store'
import {
  type Admitted,
  admitCredential,
  type CredentialCheck,
  chargeUsage,
  type Usage,
} from './credential-gate'
import { ACCOUNT_ACTOR_NAME } from './index'
import { takeOverLegacyCredentials } from './legacy-takeover'
import { admitLogin, type LoginAttempt, type LoginTicket, refundFailure } from './login-limits'
import { ACCOUNT_MIGRATIONS } from './migrations'
import { RateCounters } from './rate-counters'
import { type ServiceGrant, ServiceGrants } from './service-grants'
import { SessionEpoch } from './session-epoch'
import { type GrantedRefresh, SessionStore } from './session-store'

/** A stored refresh token plus the session generation its tokens carry. */
export type IssuedRefresh = GrantedRefresh & { generation: number }

/** Milliseconds since the epoch. */
export type Clock = () => number

/** What a login may check the password against, once the limits admitted it. */
export type AdmittedLogin = {
  ticket: LoginTicket
  /** The app-password hashes, only when asked for (an app-password-shaped password). */
  appPasswords: (AppPasswordInfo & StoredPasswordHash)[] | null
}

/**
 * The account actor: the one owner of the owner's credentials (refresh tokens, app
 * passwords, service JWT grants) and of the exact counters of the abuse limits. Storage
 * only; the Worker checks passwords and mints tokens.
 */
export class AccountActor extends DurableObject<Env> {
  /** The time every store sees; a test may replace it (`runInDurableObject`) to move time. */
  clock: Clock = () => Date.now()
  /** The limits from the settings; a test may replace them with small ones. */
  limits: Limits
  private sessions: SessionStore
  private appPasswords: AppPasswordStore
  private counters: RateCounters
  private grants: ServiceGrants
  private epoch: SessionEpoch
  private transaction: <T>(fn: () => T) => T

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.transaction = <T>(fn: () => T): T => ctx.storage.transactionSync(fn)
    this.sessions = new SessionStore(ctx.storage.sql, this.transaction)
    this.appPasswords = new AppPasswordStore(ctx.storage.sql, this.transaction)
    this.counters = new RateCounters(ctx.storage.sql)
    this.grants = new ServiceGrants(ctx.storage.sql)
    this.epoch = new SessionEpoch(ctx.storage.sql, this.transaction)
    const limits = parseLimits(env)
    // The Worker refuses to serve with a broken setting, so this is only reached by a direct call.
    if (!limits.ok) throw new Error(limits.message)
    this.limits = limits.value
    // A failed takeover (the repo actor unreachable) rejects here, which resets this
    // object: the next call constructs it again and retries, and no call runs without it.
    ctx.blockConcurrencyWhile(async () => {
      runMigrations(ctx.storage, ACCOUNT_MIGRATIONS)
      // A changed PASSWORD (or JWT_SECRET) revokes every session of the old one.
      if (env.PASSWORD && env.JWT_SECRET)
        this.epoch.syncPassword(await passwordEpoch(env.PASSWORD, env.JWT_SECRET))
      // Only the canonical instance takes over; a test's scratch instance must not empty the repo's tables.
      if (ctx.id.name !== ACCOUNT_ACTOR_NAME) return
      await takeOverLegacyCredentials(ctx.storage.sql, this.transaction, repoActorStub(env), () =>
        new Date().toISOString(),
      )
    })
  }

  /**
   * Counts a login attempt and admits it or not, before the Worker compares anything;
   * an admitted one gets the app-password hashes when `wantAppPasswords`.
   */
  async beginLogin(
    attempt: LoginAttempt,
    wantAppPasswords: boolean,
  ): Promise<Result<AdmittedLogin, AccountCode> | RateLimited> {
    const admitted = this.transaction(() => admitLogin(this.counters, this.limits, attempt, this.clock()))
    if (!admitted.ok) return admitted
    return ok({ ticket: admitted.value, appPasswords: wantAppPasswords ? this.appPasswords.secrets() : null })
  }

  /** A login succeeded: refunds its failure reservation and stores the new session's refresh token. */
  async completeLogin(ticket: LoginTicket, appPasswordId: string | null): Promise<IssuedRefresh> {
    return this.transaction(() => {
      refundFailure(this.counters, ticket)
      const granted = this.sessions.grant(appPasswordId, this.clock())
      const appPassword = appPasswordId === null ? null : this.appPasswords.byId(appPasswordId)
      return { ...granted, appPassword, generation: this.epoch.generation() }
    })
  }

  async rotateRefreshToken(id: string): Promise<Result<IssuedRefresh, AccountCode>> {
    const rotated = this.sessions.rotate(id, this.clock())
    return rotated.ok ? ok({ ...rotated.value, generation: this.epoch.generation() }) : rotated
  }

  /** Deletes the refresh token and its whole rotation chain (a logout). */
  async revokeRefreshToken(id: string): Promise<boolean> {
    return this.sessions.revoke(id)
  }

  /** Revokes every session: refresh tokens, access tokens (by generation) and unused service JWTs. */
  async revokeAllSessions(): Promise<void> {
    this.epoch.revokeAll()
  }

  /** Confirms a credential the Worker verified and charges the call's quota, in one call. */
  async admit(
    check: CredentialCheck,
    usage: Usage = {},
  ): Promise<Result<Admitted, AccountCode> | RateLimited> {
    const deps = {
      epoch: this.epoch,
      grants: this.grants,
      counters: this.counters,
      appPasswords: this.appPasswords,
    }
    return this.transaction(() => admitCredential(deps, this.limits, check, usage, this.clock()))
  }

  /** Charges usage measured after the fact (a chunked upload's size); never refuses what already happened. */
  async chargeUsage(quotaKey: string, usage: Usage): Promise<void> {
    // Over the limit, the bytes still count: the next upload is the one refused.
    this.transaction(() => chargeUsage(this.counters, this.limits, quotaKey, usage, this.clock(), true))
  }

  /** Remembers a service JWT issued for this PDS, so it is accepted once, until `exp`. */
  async recordServiceGrant(grant: Omit<ServiceGrant, 'generation'>): Promise<void> {
    this.grants.record({ ...grant, generation: this.epoch.generation() })
  }

  async createAppPassword(input: {
    name: string
    privileged: boolean
    hash: StoredPasswordHash
  }): Promise<Result<AppPasswordListing, AccountCode>> {
    return this.appPasswords.create({ ...input, createdAt: new Date(this.clock()).toISOString() })
  }

  async listAppPasswords(): Promise<AppPasswordListing[]> {
    return this.appPasswords.list()
  }

  async appPasswordById(id: string): Promise<AppPasswordInfo | null> {
    return this.appPasswords.byId(id)
  }

  /** Deletes the app password and its sessions' refresh tokens in one transaction. */
  async revokeAppPassword(name: string): Promise<boolean> {
    return this.appPasswords.revoke(name)
  }
}
