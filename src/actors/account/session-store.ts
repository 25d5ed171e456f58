import { err, ok, type Result } from '../../shared/result'
import type { AccountCode } from './account-codes'
import type { AppPasswordInfo } from './app-password-store'

/** Refresh tokens live 90 days (atproto `createRefreshToken`). */
export const REFRESH_TTL_MS = 90 * 24 * 60 * 60 * 1000
/** After rotation the old refresh token stays usable this long (atproto `REFRESH_GRACE_MS`). */
export const REFRESH_GRACE_MS = 2 * 60 * 60 * 1000

/** A stored refresh token as the Worker needs it to mint the JWT. */
export type GrantedRefresh = { id: string; expiresAt: number; appPassword: AppPasswordInfo | null }

type TokenRow = {
  id: string
  app_password_id: string | null
  expires_at: number
  next_id: string | null
  ap_id: string | null
  ap_name: string | null
  ap_privileged: number | null
}

const newTokenId = (): string =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

/**
 * Refresh tokens of the owner's sessions, by JWT `jti`.
 *
 * Rotation: using token A marks it with its successor B (`next_id`) and cuts A's life
 * down to at most the grace period. Using A again inside the grace period yields B
 * again (a client that lost the response can retry). Revoking a token deletes its
 * whole chain, predecessors and successors, so neither a grace-period retry nor an
 * already-rotated stolen token outlives a logout.
 * Times are passed in (ms since epoch) so tests can move the clock.
 */
export class SessionStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly transaction: <T>(fn: () => T) => T,
  ) {}

  /** Stores a new refresh token for a login with the main password (null) or an app password. */
  grant(appPasswordId: string | null, now: number): { id: string; expiresAt: number } {
    const id = newTokenId()
    const expiresAt = now + REFRESH_TTL_MS
    this.sql.exec(
      'INSERT INTO refresh_tokens (id, app_password_id, expires_at, next_id) VALUES (?, ?, ?, NULL)',
      id,
      appPasswordId,
      expiresAt,
    )
    return { id, expiresAt }
  }

  /** Exchanges refresh token `id` for its successor (see the class comment). */
  rotate(id: string, now: number): Result<GrantedRefresh, AccountCode> {
    return this.transaction(() => {
      this.sql.exec('DELETE FROM refresh_tokens WHERE expires_at <= ?', now)
      const row = this.find(id)
      if (!row) return err('ExpiredToken', 'Token has been revoked')
      let appPassword: AppPasswordInfo | null = null
      if (row.app_password_id !== null) {
        if (row.ap_id === null || row.ap_name === null) {
          this.sql.exec('DELETE FROM refresh_tokens WHERE id = ?', id)
          return err('ExpiredToken', 'Token has been revoked')
        }
        appPassword = { id: row.ap_id, name: row.ap_name, privileged: row.ap_privileged === 1 }
      }
      const nextId = row.next_id ?? newTokenId()
      this.sql.exec(
        'UPDATE refresh_tokens SET expires_at = ?, next_id = ? WHERE id = ?',
        Math.min(row.expires_at, now + REFRESH_GRACE_MS),
        nextId,
        id,
      )
      this.sql.exec(
        'INSERT OR IGNORE INTO refresh_tokens (id, app_password_id, expires_at, next_id) VALUES (?, ?, ?, NULL)',
        nextId,
        row.app_password_id,
        now + REFRESH_TTL_MS,
      )
      const next = this.sql
        .exec<{ expires_at: number }>('SELECT expires_at FROM refresh_tokens WHERE id = ?', nextId)
        .one()
      return ok({ id: nextId, expiresAt: next.expires_at, appPassword })
    })
  }

  /**
   * Deletes refresh token `id` and its whole rotation chain: the tokens rotated into it
   * and the ones it was rotated into, so a stolen token, rotated or not, dies with the
   * owner's logout. False when none existed.
   */
  revoke(id: string): boolean {
    return this.transaction(() => {
      let deleted = 0
      const seen = new Set<string>([id])
      let frontier = [id]
      while (frontier.length > 0) {
        const linked: string[] = []
        for (const current of frontier) {
          const row = this.sql
            .exec<{ next_id: string | null }>('SELECT next_id FROM refresh_tokens WHERE id = ?', current)
            .toArray()[0]
          if (row?.next_id) linked.push(row.next_id)
          for (const r of this.sql.exec<{ id: string }>(
            'SELECT id FROM refresh_tokens WHERE next_id = ?',
            current,
          )) {
            linked.push(r.id)
          }
          deleted += this.sql.exec('DELETE FROM refresh_tokens WHERE id = ?', current).rowsWritten
        }
        frontier = linked.filter((next) => !seen.has(next))
        for (const next of frontier) seen.add(next)
      }
      return deleted > 0
    })
  }

  private find(id: string): TokenRow | null {
    const rows = this.sql
      .exec<TokenRow>(
        `SELECT r.id, r.app_password_id, r.expires_at, r.next_id,
                a.id AS ap_id, a.name AS ap_name, a.privileged AS ap_privileged
         FROM refresh_tokens r LEFT JOIN app_passwords a ON a.id = r.app_password_id
         WHERE r.id = ?`,
        id,
      )
      .toArray()
    return rows[0] ?? null
  }
}
