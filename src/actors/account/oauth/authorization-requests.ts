import { err, ok, type Result } from '../../../shared/result'
import type { AuthorizationRequest, OAuthErr } from './oauth-types'
import { randomToken } from './random-token'
import { tokenHash } from './token-hash'

/** A pushed request waits this long for the owner (reference `PAR_EXPIRES_IN`). */
export const PAR_TTL_MS = 5 * 60_000
/** An authorization code must be exchanged within this (RFC 6749 §4.1.2: short, at most 10 min). */
export const CODE_TTL_MS = 60_000
/** A used code is remembered this long, so presenting it again revokes what it issued. */
export const CODE_REPLAY_MS = 24 * 60 * 60_000

const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:req-'

type Row = {
  request_uri: string
  params: string
  expires_at: number
  code: string | null
  code_used_at: number | null
  grant_id: string | null
}

/** What a presented code was: usable once (its request), or used before (what it issued). */
export type PresentedCode =
  | { kind: 'fresh'; request: AuthorizationRequest }
  | { kind: 'reused'; grantId: string | null }

const unknownRequest = (): OAuthErr => err('InvalidRequest', 'Unknown, expired or already used request_uri')

/**
 * Pushed authorization requests and their codes. Phases of a row:
 * pushed (`code` NULL, until `expires_at`) → approved (a code, `expires_at` = code expiry)
 * → used (`code_used_at` set; `grant_id` is what it issued; kept `CODE_REPLAY_MS`).
 * The code is stored as its `tokenHash`. A denied request is deleted. A request is approved at most once, and a code is
 * accepted at most once: the first presentation uses it, right or wrong.
 */
export class AuthorizationRequests {
  constructor(private readonly sql: SqlStorage) {}

  push(request: AuthorizationRequest, now: number): { requestUri: string; expiresAt: number } {
    this.prune(now)
    const requestUri = `${REQUEST_URI_PREFIX}${randomToken(16)}`
    const expiresAt = now + PAR_TTL_MS
    this.sql.exec(
      'INSERT INTO oauth_requests (request_uri, client_id, params, expires_at) VALUES (?, ?, ?, ?)',
      requestUri,
      request.clientId,
      JSON.stringify(request),
      expiresAt,
    )
    return { requestUri, expiresAt }
  }

  /** The request still waiting for the owner's decision. */
  pending(
    requestUri: string,
    now: number,
  ): Result<{ request: AuthorizationRequest; expiresAt: number }, OAuthErr['error']> {
    const row = this.row(requestUri)
    if (!row || row.code !== null || row.expires_at <= now) return unknownRequest()
    return ok({ request: JSON.parse(row.params) as AuthorizationRequest, expiresAt: row.expires_at })
  }

  /** Issues the one code of a pending request. */
  approve(
    requestUri: string,
    now: number,
  ): Result<{ code: string; request: AuthorizationRequest }, OAuthErr['error']> {
    const pending = this.pending(requestUri, now)
    if (!pending.ok) return pending
    const code = `cod-${randomToken(32)}`
    this.sql.exec(
      'UPDATE oauth_requests SET code = ?, expires_at = ? WHERE request_uri = ?',
      tokenHash(code),
      now + CODE_TTL_MS,
      requestUri,
    )
    return ok({ code, request: pending.value.request })
  }

  /** Drops a pending request the owner refused; its parameters, for the error redirect. */
  deny(requestUri: string, now: number): Result<AuthorizationRequest, OAuthErr['error']> {
    const pending = this.pending(requestUri, now)
    if (!pending.ok) return pending
    this.sql.exec('DELETE FROM oauth_requests WHERE request_uri = ?', requestUri)
    return ok(pending.value.request)
  }

  /**
   * Uses `code` (a fresh one becomes used whatever the caller then decides). Unknown or
   * expired codes are an error; a used one is reported with the grant it issued.
   */
  present(code: string, now: number): Result<PresentedCode & { requestUri: string }, OAuthErr['error']> {
    const row = this.sql
      .exec<Row>('SELECT * FROM oauth_requests WHERE code = ?', tokenHash(code))
      .toArray()[0]
    if (!row) return err('InvalidGrant', 'Unknown authorization code')
    if (row.code_used_at !== null)
      return ok({ kind: 'reused', grantId: row.grant_id, requestUri: row.request_uri })
    if (row.expires_at <= now) return err('InvalidGrant', 'Authorization code expired')
    this.sql.exec(
      'UPDATE oauth_requests SET code_used_at = ?, expires_at = ? WHERE request_uri = ?',
      now,
      now + CODE_REPLAY_MS,
      row.request_uri,
    )
    return ok({
      kind: 'fresh',
      request: JSON.parse(row.params) as AuthorizationRequest,
      requestUri: row.request_uri,
    })
  }

  /** Records the grant a used code issued (for revocation on reuse). */
  issued(requestUri: string, grantId: string): void {
    this.sql.exec('UPDATE oauth_requests SET grant_id = ? WHERE request_uri = ?', grantId, requestUri)
  }

  private row(requestUri: string): Row | null {
    return (
      this.sql.exec<Row>('SELECT * FROM oauth_requests WHERE request_uri = ?', requestUri).toArray()[0] ??
      null
    )
  }

  private prune(now: number): void {
    this.sql.exec('DELETE FROM oauth_requests WHERE expires_at <= ?', now)
  }
}
