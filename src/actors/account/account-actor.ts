import { DurableObject } from 'cloudflare:workers'
import { parseLimits } from '../../shared/config/limits'
import type { Result } from '../../shared/result'
import { passwordEpoch } from '../../shared/session-epoch'
import { runMigrations } from '../../shared/sql-migrations'
import { repoActorStub } from '../repo'
import { Account, type AdmittedLogin, type IssuedRefresh } from './account'
import type { AccountCode, RateLimited } from './account-codes'
import type { AppPasswordListing, StoredPasswordHash } from './app-password-store'
import type { Admitted, CredentialCheck, Usage } from './credential-gate'
import { ACCOUNT_ACTOR_NAME } from './index'
import { takeOverLegacyCredentials } from './legacy-takeover'
import type { LoginAttempt, LoginTicket } from './login-limits'
import { ACCOUNT_MIGRATIONS } from './migrations'
import type { CodeExchange, GrantRefresh, OwnerDecision, RevokeTarget } from './oauth/oauth-store'
import type { AuthorizationRequest, OAuthGrant, OnceKey } from './oauth/oauth-types'
import type { PlcToken } from './plc-tokens'
import type { ServiceGrant } from './service-grants'

export type { AdmittedLogin, Clock, IssuedRefresh } from './account'

/** The account actor: a thin shell over Account (credentials and abuse-limit counters). */
export class AccountActor extends DurableObject<Env> {
  private readonly account: Account

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    const transaction = <T>(fn: () => T): T => ctx.storage.transactionSync(fn)
    const limits = parseLimits(env)
    // The Worker refuses to serve with a broken setting, so this is only reached by a direct call.
    if (!limits.ok) throw new Error(limits.message)
    this.account = new Account(ctx.storage.sql, transaction, limits.value)
    // A failed takeover (the repo actor unreachable) rejects here, which resets this
    // object: the next call constructs it again and retries, and no call runs without it.
    ctx.blockConcurrencyWhile(async () => {
      runMigrations(ctx.storage, ACCOUNT_MIGRATIONS)
      // A changed PASSWORD (or JWT_SECRET) revokes every session of the old one.
      if (env.PASSWORD && env.JWT_SECRET)
        this.account.epoch.syncPassword(await passwordEpoch(env.PASSWORD, env.JWT_SECRET))
      // Only the canonical instance takes over; a test's scratch instance must not empty the repo's tables.
      if (ctx.id.name !== ACCOUNT_ACTOR_NAME) return
      await takeOverLegacyCredentials(ctx.storage.sql, transaction, repoActorStub(env), () =>
        new Date().toISOString(),
      )
    })
  }

  async beginLogin(
    attempt: LoginAttempt,
    wantAppPasswords: boolean,
  ): Promise<Result<AdmittedLogin, AccountCode> | RateLimited> {
    return this.account.beginLogin(attempt, wantAppPasswords)
  }

  async completeLogin(ticket: LoginTicket, appPasswordId: string | null): Promise<IssuedRefresh> {
    return this.account.completeLogin(ticket, appPasswordId)
  }

  async completeBrowserLogin(ticket: LoginTicket): Promise<number> {
    return this.account.completeBrowserLogin(ticket)
  }

  async rotateRefreshToken(id: string): Promise<Result<IssuedRefresh, AccountCode>> {
    return this.account.rotateRefreshToken(id)
  }

  async revokeRefreshToken(id: string): Promise<boolean> {
    return this.account.revokeRefreshToken(id)
  }

  async revokeAllSessions(): Promise<void> {
    this.account.revokeAllSessions()
  }

  async admit(check: CredentialCheck, usage?: Usage): Promise<Result<Admitted, AccountCode> | RateLimited> {
    return this.account.admit(check, usage)
  }

  async chargeUsage(quotaKey: string, usage: Usage): Promise<void> {
    this.account.chargeUsage(quotaKey, usage)
  }

  async recordServiceGrant(grant: Omit<ServiceGrant, 'generation'>): Promise<void> {
    this.account.recordServiceGrant(grant)
  }

  async createAppPassword(input: {
    name: string
    privileged: boolean
    hash: StoredPasswordHash
  }): Promise<Result<AppPasswordListing, AccountCode>> {
    return this.account.createAppPassword(input)
  }

  async listAppPasswords(): Promise<AppPasswordListing[]> {
    return this.account.listAppPasswords()
  }

  async revokeAppPassword(name: string): Promise<boolean> {
    return this.account.revokeAppPassword(name)
  }

  async issuePlcToken(): Promise<PlcToken> {
    return this.account.issuePlcToken()
  }

  async pendingPlcToken(): Promise<PlcToken | null> {
    return this.account.pendingPlcToken()
  }

  async usePlcToken(token: string): Promise<Result<void, AccountCode>> {
    return this.account.usePlcToken(token)
  }

  // The OAuth authorization server's state (oauth/oauth-store.ts), on the actor's clock.
  async oauthCharge(ip: string) {
    return this.account.chargeOAuthRequest(ip)
  }

  async oauthPush(request: AuthorizationRequest, once: OnceKey[]) {
    return this.account.oauth.pushRequest(request, once, this.account.clock())
  }

  async oauthPending(requestUri: string) {
    return this.account.oauth.pendingRequest(requestUri, this.account.clock())
  }

  async oauthDecide(requestUri: string, decision: OwnerDecision) {
    return this.account.oauth.decide(requestUri, decision, this.account.clock())
  }

  async oauthExchangeCode(input: CodeExchange, once: OnceKey[]) {
    return this.account.oauth.exchangeCode(input, once, this.account.clock())
  }

  async oauthRefresh(input: GrantRefresh, once: OnceKey[]) {
    return this.account.oauth.refreshGrant(input, once, this.account.clock())
  }

  async oauthRevoke(target: RevokeTarget, once: OnceKey[] = []) {
    return this.account.oauth.revoke(target, once, this.account.clock())
  }

  async oauthListGrants(): Promise<OAuthGrant[]> {
    return this.account.oauth.listGrants(this.account.clock())
  }
}
