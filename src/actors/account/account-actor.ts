import { DurableObject } from 'cloudflare:workers'
import type { Result } from '../../shared/result'
import { runMigrations } from '../../shared/sql-migrations'
import { repoActorStub } from '../repo'
import type { AccountCode } from './account-codes'
import {
  type AppPasswordInfo,
  type AppPasswordListing,
  AppPasswordStore,
  type StoredPasswordHash,
} from './app-password-store'
import { ACCOUNT_ACTOR_NAME } from './index'
import { takeOverLegacyCredentials } from './legacy-takeover'
import { ACCOUNT_MIGRATIONS } from './migrations'
import { type GrantedRefresh, SessionStore } from './session-store'

/**
 * The account actor: the one owner of the owner's credentials, that is refresh tokens
 * and app passwords. Storage only; the Worker checks passwords and mints tokens.
 */
export class AccountActor extends DurableObject<Env> {
  private sessions: SessionStore
  private appPasswords: AppPasswordStore

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    const transaction = <T>(fn: () => T): T => ctx.storage.transactionSync(fn)
    this.sessions = new SessionStore(ctx.storage.sql, transaction)
    this.appPasswords = new AppPasswordStore(ctx.storage.sql, transaction)
    // A failed takeover (the repo actor unreachable) rejects here, which resets this
    // object: the next call constructs it again and retries, and no call runs without it.
    ctx.blockConcurrencyWhile(async () => {
      runMigrations(ctx.storage, ACCOUNT_MIGRATIONS)
      // Only the canonical instance takes over; a test's scratch instance must not empty the repo's tables.
      if (ctx.id.name !== ACCOUNT_ACTOR_NAME) return
      await takeOverLegacyCredentials(ctx.storage.sql, transaction, repoActorStub(env), () =>
        new Date().toISOString(),
      )
    })
  }

  /** Stores a refresh token for a new session (main password when `appPasswordId` is null). */
  async createRefreshToken(appPasswordId: string | null): Promise<{ id: string; expiresAt: number }> {
    return this.sessions.grant(appPasswordId, Date.now())
  }

  async rotateRefreshToken(id: string): Promise<Result<GrantedRefresh, AccountCode>> {
    return this.sessions.rotate(id, Date.now())
  }

  async revokeRefreshToken(id: string): Promise<boolean> {
    return this.sessions.revoke(id)
  }

  async createAppPassword(input: {
    name: string
    privileged: boolean
    hash: StoredPasswordHash
  }): Promise<Result<AppPasswordListing, AccountCode>> {
    return this.appPasswords.create({ ...input, createdAt: new Date().toISOString() })
  }

  async listAppPasswords(): Promise<AppPasswordListing[]> {
    return this.appPasswords.list()
  }

  async appPasswordSecrets(): Promise<(AppPasswordInfo & StoredPasswordHash)[]> {
    return this.appPasswords.secrets()
  }

  async appPasswordById(id: string): Promise<AppPasswordInfo | null> {
    return this.appPasswords.byId(id)
  }

  /** Deletes the app password and its sessions' refresh tokens in one transaction. */
  async revokeAppPassword(name: string): Promise<boolean> {
    return this.appPasswords.revoke(name)
  }
}
