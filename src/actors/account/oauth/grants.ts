import { err, ok, type Result } from '../../../shared/result'
import { type ClientAuth, clientAuthChange, type OAuthErr, type OAuthGrant } from './oauth-types'
import { randomToken } from './random-token'
import { tokenHash } from './token-hash'

const DAY = 24 * 60 * 60_000
/**
 * Lifetimes as the reference provider (`oauth-constants.ts`): a public client's session
 * lasts at most 2 weeks and must refresh within 2 weeks; a confidential client's lasts
 * 2 years and must refresh within 3 months.
 */
export const SESSION_LIFETIME_MS = { public: 14 * DAY, confidential: 730.5 * DAY }
export const REFRESH_LIFETIME_MS = { public: 14 * DAY, confidential: 91.3125 * DAY }

const lifetimes = (auth: ClientAuth) => {
  const kind = auth.method === 'none' ? 'public' : 'confidential'
  return { session: SESSION_LIFETIME_MS[kind], refresh: REFRESH_LIFETIME_MS[kind] }
}

type Row = {
  id: string
  client_id: string
  client_auth: string
  scope: string
  dpop_jkt: string
  generation: number
  created_at: number
  last_used_at: number
  session_expires_at: number
  refresh_token: string
  refresh_expires_at: number
}

const toGrant = (r: Row): OAuthGrant => ({
  id: r.id,
  clientId: r.client_id,
  clientAuth: JSON.parse(r.client_auth) as ClientAuth,
  scope: r.scope,
  dpopJkt: r.dpop_jkt,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  sessionExpiresAt: r.session_expires_at,
  refreshExpiresAt: r.refresh_expires_at,
})

/** A grant with the refresh token the client must present next. */
export type IssuedGrant = { grant: OAuthGrant; refreshToken: string }

const invalidGrant = (message: string): OAuthErr => err('InvalidGrant', message)

/**
 * Authorized client sessions. A grant holds one current refresh token (stored as its
 * `tokenHash`, as are the replaced ones); refreshing
 * replaces it, and the replaced one is remembered (`oauth_used_refresh`) until the
 * session ends, so presenting it again (a stolen copy, RFC 9700 §4.14.2) revokes the
 * grant. A grant carries the session generation: revoking every session ends it too.
 */
export class OAuthGrants {
  constructor(private readonly sql: SqlStorage) {}

  create(
    input: { clientId: string; clientAuth: ClientAuth; scope: string; dpopJkt: string; generation: number },
    now: number,
  ): IssuedGrant {
    const { session, refresh } = lifetimes(input.clientAuth)
    const id = `grant-${randomToken(16)}`
    const refreshToken = `ref-${randomToken(32)}`
    this.sql.exec(
      `INSERT INTO oauth_grants (id, client_id, client_auth, scope, dpop_jkt, generation, created_at,
         last_used_at, session_expires_at, refresh_token, refresh_expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      id,
      input.clientId,
      JSON.stringify(input.clientAuth),
      input.scope,
      input.dpopJkt,
      input.generation,
      now,
      now,
      now + session,
      tokenHash(refreshToken),
      Math.min(now + refresh, now + session),
    )
    return { grant: this.byId(id) as OAuthGrant, refreshToken }
  }

  /**
   * Exchanges the current refresh token for the next one; a replaced token revokes the
   * grant. The client and DPoP key must be the grant's. Call inside a transaction.
   */
  rotate(
    input: {
      refreshToken: string
      clientId: string
      clientAuth: ClientAuth
      dpopJkt: string
      generation: number
    },
    now: number,
  ): Result<IssuedGrant, OAuthErr['error']> {
    this.sql.exec('DELETE FROM oauth_used_refresh WHERE expires_at <= ?', now)
    const presented = tokenHash(input.refreshToken)
    const row = this.sql
      .exec<Row>('SELECT * FROM oauth_grants WHERE refresh_token = ?', presented)
      .toArray()[0]
    if (!row) {
      const used = this.sql
        .exec<{ grant_id: string }>('SELECT grant_id FROM oauth_used_refresh WHERE token = ?', presented)
        .toArray()[0]
      if (!used) return invalidGrant('Invalid refresh token')
      this.revoke(used.grant_id)
      return invalidGrant('Refresh token replayed: the session is revoked')
    }
    if (row.client_id !== input.clientId) return invalidGrant('Refresh token was issued to another client')
    if (row.dpop_jkt !== input.dpopJkt)
      return err('DpopKeyMismatch', 'DPoP proof key does not match the session')
    const grantAuth = JSON.parse(row.client_auth) as ClientAuth
    const changed = clientAuthChange(grantAuth, input.clientAuth)
    if (changed !== null) return err('InvalidClient', changed)
    if (!this.live(row, now, input.generation) || row.refresh_expires_at <= now) {
      this.revoke(row.id)
      return invalidGrant('Session expired')
    }
    const { refresh } = lifetimes(grantAuth)
    const next = `ref-${randomToken(32)}`
    this.sql.exec(
      'INSERT INTO oauth_used_refresh (token, grant_id, expires_at) VALUES (?, ?, ?)',
      row.refresh_token,
      row.id,
      row.session_expires_at,
    )
    this.sql.exec(
      'UPDATE oauth_grants SET refresh_token = ?, refresh_expires_at = ?, last_used_at = ? WHERE id = ?',
      tokenHash(next),
      Math.min(now + refresh, row.session_expires_at),
      now,
      row.id,
    )
    return ok({ grant: this.byId(row.id) as OAuthGrant, refreshToken: next })
  }

  /** The grant, if it is still live (not revoked, not expired, current generation). */
  liveGrant(id: string, now: number, generation: number): OAuthGrant | null {
    const row = this.sql.exec<Row>('SELECT * FROM oauth_grants WHERE id = ?', id).toArray()[0]
    return row && this.live(row, now, generation) ? toGrant(row) : null
  }

  /** Marks a grant used (an access token was accepted), for the owner's list. */
  touch(id: string, now: number): void {
    this.sql.exec('UPDATE oauth_grants SET last_used_at = ? WHERE id = ?', now, id)
  }

  byId(id: string): OAuthGrant | null {
    const row = this.sql.exec<Row>('SELECT * FROM oauth_grants WHERE id = ?', id).toArray()[0]
    return row ? toGrant(row) : null
  }

  /** The grant whose current or replaced refresh token this is. */
  idForRefreshToken(token: string): string | null {
    const hash = tokenHash(token)
    const current = this.sql
      .exec<{ id: string }>('SELECT id FROM oauth_grants WHERE refresh_token = ?', hash)
      .toArray()[0]
    if (current) return current.id
    const used = this.sql
      .exec<{ grant_id: string }>('SELECT grant_id FROM oauth_used_refresh WHERE token = ?', hash)
      .toArray()[0]
    return used?.grant_id ?? null
  }

  /** Live grants, newest first; expired or revoked-by-generation ones are deleted. */
  list(now: number, generation: number): OAuthGrant[] {
    const rows = this.sql.exec<Row>('SELECT * FROM oauth_grants ORDER BY created_at DESC').toArray()
    const out: OAuthGrant[] = []
    for (const row of rows) {
      if (this.live(row, now, generation)) out.push(toGrant(row))
      else this.revoke(row.id)
    }
    return out
  }

  /** Deletes the grant and its replaced refresh tokens; false when there was none. */
  revoke(id: string): boolean {
    this.sql.exec('DELETE FROM oauth_used_refresh WHERE grant_id = ?', id)
    return this.sql.exec('DELETE FROM oauth_grants WHERE id = ?', id).rowsWritten > 0
  }

  private live(row: Row, now: number, generation: number): boolean {
    return row.generation === generation && row.session_expires_at > now
  }
}
