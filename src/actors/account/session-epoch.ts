/**
 * The session generation: a counter that every session token carries (`gen`). Revoking
 * all sessions, or a changed password epoch at start-up, deletes every refresh token and
 * every unused service grant and bumps the counter, so access tokens minted before are
 * refused on their next use. The account actor is the only writer, so the value is
 * cached in memory after the first read.
 */
export class SessionEpoch {
  private cached: number | null = null

  constructor(
    private readonly sql: SqlStorage,
    private readonly transaction: <T>(fn: () => T) => T,
  ) {}

  generation(): number {
    this.cached ??= this.sql
      .exec<{ generation: number }>('SELECT generation FROM session_epoch WHERE id = 1')
      .one().generation
    return this.cached
  }

  /**
   * Compares the stored password epoch with `epoch` (see `src/shared/session-epoch.ts`).
   * The first one is only stored; a different one revokes every session. True when it did.
   */
  syncPassword(epoch: string): boolean {
    const stored = this.sql
      .exec<{ password_hash: string | null }>('SELECT password_hash FROM session_epoch WHERE id = 1')
      .one().password_hash
    if (stored === epoch) return false
    return this.transaction(() => {
      this.sql.exec('UPDATE session_epoch SET password_hash = ? WHERE id = 1', epoch)
      if (stored === null) return false
      this.revokeAllInTransaction()
      return true
    })
  }

  /** Revokes every session: refresh tokens, unused service grants, and (by generation) access tokens. */
  revokeAll(): number {
    return this.transaction(() => this.revokeAllInTransaction())
  }

  private revokeAllInTransaction(): number {
    this.sql.exec('DELETE FROM refresh_tokens')
    this.sql.exec('DELETE FROM service_grants WHERE used_at IS NULL')
    this.sql.exec('UPDATE session_epoch SET generation = generation + 1 WHERE id = 1')
    this.cached = null
    return this.generation()
  }
}
