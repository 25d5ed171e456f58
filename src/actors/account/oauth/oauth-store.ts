import { err, ok, type Result } from '../../../shared/result'
import type { AccountCode } from '../account-codes'
import type { SessionEpoch } from '../session-epoch'
import { AuthorizationRequests, CODE_REPLAY_MS } from './authorization-requests'
import { Consents } from './consents'
import { type IssuedGrant, OAuthGrants } from './grants'
import {
  type AuthorizationRequest,
  type ClientAuth,
  clientAuthChange,
  type OAuthErr,
  type OAuthGrant,
  type OAuthStoreCode,
  type OnceKey,
} from './oauth-types'
import { ReplayGuard } from './replay-guard'

type R<T> = Result<T, OAuthStoreCode>

/** The refusal for a value used before: a client assertion's `jti` or a DPoP proof's. */
const replayed = (key: string): OAuthErr => {
  if (key.startsWith('client-assertion:')) return err('InvalidClient', 'Client assertion replayed')
  if (key.startsWith('code-challenge:')) return err('InvalidRequest', 'code_challenge was used before')
  return err('Replayed', 'DPoP proof replayed')
}

/** What the token endpoint presents with an authorization code. */
export type CodeExchange = {
  code: string
  clientId: string
  clientAuth: ClientAuth
  redirectUri: string
  /** S256 of the presented `code_verifier`, computed by the Worker. */
  verifierChallenge: string
  dpopJkt: string
}

/** The refresh grant's input: the presented token, who presents it and with which DPoP key. */
export type GrantRefresh = { refreshToken: string; clientId: string; clientAuth: ClientAuth; dpopJkt: string }

/** The owner's answer to a pending request. */
export type OwnerDecision = { approve: true; remember: boolean } | { approve: false }

/**
 * What to revoke: a grant by id, or the grant of a refresh token; with `clientId` (a
 * client's revocation request) only a grant of that client.
 */
export type RevokeTarget = ({ grantId: string } | { refreshToken: string }) & { clientId?: string }

/** The result of a decision: the code and request when approved, the request when denied. */
export type Decided = { code: string | null; request: AuthorizationRequest }

/**
 * The authorization server's state in the account actor: pushed requests and codes,
 * grants with their refresh tokens, remembered consents, and single-use values. Each
 * method is one transaction; the single-use values a request carries (`once`) are
 * recorded in that same transaction, so a replayed proof changes nothing.
 */
export class OAuthStore {
  private readonly requests: AuthorizationRequests
  private readonly grants: OAuthGrants
  private readonly consents: Consents
  private readonly replays: ReplayGuard

  constructor(
    sql: SqlStorage,
    private readonly transaction: <T>(fn: () => T) => T,
    private readonly epoch: SessionEpoch,
  ) {
    this.requests = new AuthorizationRequests(sql)
    this.grants = new OAuthGrants(sql)
    this.consents = new Consents(sql)
    this.replays = new ReplayGuard(sql)
  }

  pushRequest(
    request: AuthorizationRequest,
    once: OnceKey[],
    now: number,
  ): R<{ requestUri: string; expiresAt: number }> {
    // A PKCE challenge is single-use too: remembered as long as a code could be replayed.
    const challenge = { key: `code-challenge:${request.codeChallenge}`, expiresAt: now + CODE_REPLAY_MS }
    return this.transaction(() => {
      const seen = this.replays.useOnce([...once, challenge], now)
      if (seen !== null) return replayed(seen)
      return ok(this.requests.push(request, now))
    })
  }

  pendingRequest(
    requestUri: string,
    now: number,
  ): R<{ request: AuthorizationRequest; expiresAt: number; rememberedConsent: boolean }> {
    const pending = this.requests.pending(requestUri, now)
    if (!pending.ok) return pending
    const { request } = pending.value
    return ok({ ...pending.value, rememberedConsent: this.consents.covers(request.clientId, request.scope) })
  }

  /** Approves (issues the code; `remember` keeps the consent) or denies (drops the request). */
  decide(requestUri: string, decision: OwnerDecision, now: number): R<Decided> {
    return this.transaction(() => {
      if (!decision.approve) {
        const denied = this.requests.deny(requestUri, now)
        return denied.ok ? ok({ code: null, request: denied.value }) : denied
      }
      const approved = this.requests.approve(requestUri, now)
      if (!approved.ok) return approved
      const { request } = approved.value
      if (decision.remember) this.consents.remember(request.clientId, request.scope, now)
      return approved
    })
  }

  /**
   * Exchanges a code for a new grant: once, by the client it was issued to, with the same
   * redirect URI, PKCE verifier and DPoP key. A code presented again revokes its grant.
   */
  exchangeCode(input: CodeExchange, once: OnceKey[], now: number): R<IssuedGrant> {
    return this.transaction(() => {
      const seen = this.replays.useOnce(once, now)
      if (seen !== null) return replayed(seen)
      const presented = this.requests.present(input.code, now)
      if (!presented.ok) return presented
      if (presented.value.kind === 'reused') {
        if (presented.value.grantId !== null) this.grants.revoke(presented.value.grantId)
        return err('InvalidGrant', 'Authorization code replayed: the tokens it issued are revoked')
      }
      const { request } = presented.value
      if (request.clientId !== input.clientId) return err('InvalidGrant', 'Code was issued to another client')
      if (request.redirectUri !== input.redirectUri)
        return err('InvalidGrant', 'redirect_uri does not match the request')
      if (request.codeChallenge !== input.verifierChallenge)
        return err('InvalidGrant', 'Invalid code_verifier')
      if (request.dpopJkt !== input.dpopJkt)
        return err('DpopKeyMismatch', 'DPoP proof key does not match the request')
      const changed = clientAuthChange(request.clientAuth, input.clientAuth)
      if (changed !== null) return err('InvalidClient', changed)
      const issued = this.grants.create(
        { ...request, clientAuth: input.clientAuth, generation: this.epoch.generation() },
        now,
      )
      this.requests.issued(presented.value.requestUri, issued.grant.id)
      return ok(issued)
    })
  }

  refreshGrant(input: GrantRefresh, once: OnceKey[], now: number): R<IssuedGrant> {
    return this.transaction(() => {
      const seen = this.replays.useOnce(once, now)
      if (seen !== null) return replayed(seen)
      return this.grants.rotate({ ...input, generation: this.epoch.generation() }, now)
    })
  }

  /**
   * Ends a grant: by id (the owner's list, a revoked access token) or by one of its refresh
   * tokens (RFC 7009; unknown tokens are no error, another client's are). Its client's
   * remembered consent goes too. `once` are the revoking client's single-use values.
   */
  revoke(target: RevokeTarget, once: OnceKey[], now: number): R<boolean> {
    return this.transaction(() => {
      const seen = this.replays.useOnce(once, now)
      if (seen !== null) return replayed(seen)
      const id = 'grantId' in target ? target.grantId : this.grants.idForRefreshToken(target.refreshToken)
      const grant = id === null ? null : this.grants.byId(id)
      if (!grant) return ok(false)
      if (target.clientId !== undefined && grant.clientId !== target.clientId)
        return err('InvalidGrant', 'Token was issued to another client')
      this.consents.forget(grant.clientId)
      return ok(this.grants.revoke(grant.id))
    })
  }

  listGrants(now: number): OAuthGrant[] {
    return this.transaction(() => this.grants.list(now, this.epoch.generation()))
  }

  /** Whether the grant is still live (a service JWT minted with it dies with it). */
  grantLive(grantId: string, now: number): boolean {
    return this.grants.liveGrant(grantId, now, this.epoch.generation()) !== null
  }

  /**
   * Confirms an access token's grant is live and uses its DPoP proof once. Call inside
   * a transaction (the credential gate's).
   */
  admitAccess(grantId: string, proof: OnceKey, now: number): Result<{ quotaKey: string }, AccountCode> {
    const grant = this.grants.liveGrant(grantId, now, this.epoch.generation())
    if (!grant) return err('OAuthTokenRevoked', 'Token has been revoked')
    if (this.replays.useOnce([proof], now) !== null) return err('DpopProofReplayed', 'DPoP proof replayed')
    this.grants.touch(grantId, now)
    return ok({ quotaKey: `oauth:${grantId}` })
  }
}
