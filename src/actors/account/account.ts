import type { Limits } from '../../shared/config/limits'
import { ok, type Result } from '../../shared/result'
import { type AccountCode, type RateLimited, rateLimited } from './account-codes'
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
import { admitLogin, type LoginAttempt, type LoginTicket, refundFailure } from './login-limits'
import { OAuthStore } from './oauth/oauth-store'
import { type PlcToken, PlcTokens } from './plc-tokens'
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
 * The owner's credentials (refresh tokens, app passwords, service JWT grants) and the
 * exact counters of the abuse limits, over the account actor's SQLite. Storage only; the
 * Worker checks passwords and mints tokens.
 */
export class Account {
  /** The time every store sees; a test may replace it to move time. */
  clock: Clock = () => Date.now()
  readonly sessions: SessionStore
  readonly appPasswords: AppPasswordStore
  readonly epoch: SessionEpoch
  /** The OAuth authorization server's state (requests, codes, grants, consents, replays). */
  readonly oauth: OAuthStore
  private readonly counters: RateCounters
  private readonly grants: ServiceGrants
  private readonly plcTokens: PlcTokens

  constructor(
    sql: SqlStorage,
    private readonly transaction: <T>(fn: () => T) => T,
    /** The limits from the settings; a test may replace them with small ones. */
    public limits: Limits,
  ) {
    this.sessions = new SessionStore(sql, transaction)
    this.appPasswords = new AppPasswordStore(sql, transaction)
    this.counters = new RateCounters(sql)
    this.grants = new ServiceGrants(sql)
    this.epoch = new SessionEpoch(sql, transaction)
    this.plcTokens = new PlcTokens(sql)
    this.oauth = new OAuthStore(sql, transaction, this.epoch)
  }

  /**
   * Counts a login attempt and admits it or not, before the Worker compares anything;
   * an admitted one gets the app-password hashes when `wantAppPasswords`.
   */
  beginLogin(
    attempt: LoginAttempt,
    wantAppPasswords: boolean,
  ): Result<AdmittedLogin, AccountCode> | RateLimited {
    const admitted = this.transaction(() => admitLogin(this.counters, this.limits, attempt, this.clock()))
    if (!admitted.ok) return admitted
    return ok({ ticket: admitted.value, appPasswords: wantAppPasswords ? this.appPasswords.secrets() : null })
  }

  /** Counts one request to the OAuth endpoints from `ip`; refused over `OAUTH_LIMIT_REQUESTS`. */
  chargeOAuthRequest(ip: string): Result<null, AccountCode> | RateLimited {
    const meters = this.limits.oauthRequests.map((rule) => ({ key: `oauth:ip:${ip}`, rule }))
    const charged = this.transaction(() =>
      this.counters.charge(meters, 1, this.clock(), { keepRefused: true }),
    )
    return charged.admitted
      ? ok(null)
      : rateLimited(charged.state, 'Too many OAuth requests from this address')
  }

  /** A login succeeded: refunds its failure reservation and stores the new session's refresh token. */
  completeLogin(ticket: LoginTicket, appPasswordId: string | null): IssuedRefresh {
    return this.transaction(() => {
      refundFailure(this.counters, ticket)
      const granted = this.sessions.grant(appPasswordId, this.clock())
      const appPassword = appPasswordId === null ? null : this.appPasswords.byId(appPasswordId)
      return { ...granted, appPassword, generation: this.epoch.generation() }
    })
  }

  /**
   * A sign-in on the OAuth pages succeeded: only its failure reservation goes back. The
   * pages keep their own signed cookie, so no refresh token is stored for it; they get the
   * session generation to put in it, so revoking every session signs the browser out too.
   */
  completeBrowserLogin(ticket: LoginTicket): number {
    return this.transaction(() => {
      refundFailure(this.counters, ticket)
      return this.epoch.generation()
    })
  }

  rotateRefreshToken(id: string): Result<IssuedRefresh, AccountCode> {
    const rotated = this.sessions.rotate(id, this.clock())
    return rotated.ok ? ok({ ...rotated.value, generation: this.epoch.generation() }) : rotated
  }

  /** Deletes the refresh token and its whole rotation chain (a logout). */
  revokeRefreshToken(id: string): boolean {
    return this.sessions.revoke(id)
  }

  /** Revokes every session: refresh tokens, access tokens (by generation) and unused service JWTs. */
  revokeAllSessions(): void {
    this.epoch.revokeAll()
  }

  /** Confirms a credential the Worker verified and charges the call's quota, in one call. */
  admit(check: CredentialCheck, usage: Usage = {}): Result<Admitted, AccountCode> | RateLimited {
    const deps = {
      epoch: this.epoch,
      grants: this.grants,
      counters: this.counters,
      appPasswords: this.appPasswords,
      oauth: this.oauth,
    }
    return this.transaction(() => admitCredential(deps, this.limits, check, usage, this.clock()))
  }

  /** Charges usage measured after the fact (a chunked upload's size); never refuses what already happened. */
  chargeUsage(quotaKey: string, usage: Usage): void {
    // Over the limit, the bytes still count: the next upload is the one refused.
    this.transaction(() => chargeUsage(this.counters, this.limits, quotaKey, usage, this.clock(), true))
  }

  /** Remembers a service JWT issued for this PDS, so it is accepted once, until `exp`. */
  recordServiceGrant(grant: Omit<ServiceGrant, 'generation'>): void {
    this.grants.record({ ...grant, generation: this.epoch.generation() })
  }

  createAppPassword(input: {
    name: string
    privileged: boolean
    hash: StoredPasswordHash
  }): Result<AppPasswordListing, AccountCode> {
    return this.appPasswords.create({ ...input, createdAt: new Date(this.clock()).toISOString() })
  }

  listAppPasswords(): AppPasswordListing[] {
    return this.appPasswords.list()
  }

  /** Deletes the app password and its sessions' refresh tokens in one transaction. */
  revokeAppPassword(name: string): boolean {
    return this.appPasswords.revoke(name)
  }

  /** A new PLC operation token (requestPlcOperationSignature), replacing a pending one. */
  issuePlcToken(): PlcToken {
    return this.plcTokens.issue(this.clock())
  }

  /** The pending PLC operation token, for the owner to read; null when none is valid. */
  pendingPlcToken(): PlcToken | null {
    return this.plcTokens.pending(this.clock())
  }

  /** Accepts the PLC operation token once (signPlcOperation). */
  usePlcToken(token: string): Result<void, AccountCode> {
    return this.plcTokens.use(token, this.clock())
  }
}
