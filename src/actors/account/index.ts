import { namedStub } from '../../shared/named-actor'
import type { AccountActor } from './account-actor'

export type { AdmittedLogin, Clock, IssuedRefresh } from './account-actor'
export { AccountActor } from './account-actor'
export type { AccountCode, RateLimited } from './account-codes'
export type { AppPasswordInfo, AppPasswordListing, StoredPasswordHash } from './app-password-store'
export type { Admitted, CredentialCheck, Usage } from './credential-gate'
export { quotaKeyFor } from './credential-gate'
export type { LegacyAppPasswordRow, LegacyCredentials, LegacyRefreshTokenRow } from './legacy-takeover'
export type { LoginAttempt, LoginTicket } from './login-limits'
export type { IssuedGrant } from './oauth/grants'
export type { CodeExchange, Decided, GrantRefresh, OwnerDecision, RevokeTarget } from './oauth/oauth-store'
export type {
  AuthorizationRequest,
  ClientAuth,
  OAuthGrant,
  OAuthStoreCode,
  OnceKey,
} from './oauth/oauth-types'
export type { PlcToken } from './plc-tokens'
export type { RateLimitState } from './rate-counters'
export type { GrantedRefresh } from './session-store'

/** The name of the one account actor instance. Only it takes over the repo actor's old credentials. */
export const ACCOUNT_ACTOR_NAME = 'account'

/** The single account actor (a fresh stub, its id cached: see namedStub). */
export const accountStub = (env: Env): DurableObjectStub<AccountActor> =>
  namedStub(env.ACCOUNT, ACCOUNT_ACTOR_NAME)
