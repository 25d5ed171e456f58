/**
 * Values that may be used once: DPoP proof `jti`s and client assertion `jti`s, each kept
 * until the time after which the value would be refused anyway (its `iat` window or
 * `exp`), so the table stays small.
 */
export class ReplayGuard {
  constructor(private readonly sql: SqlStorage) {}

  /**
   * Records every key; the first one seen before (and nothing recorded), or null when
   * all are new. Call inside a transaction.
   */
  useOnce(keys: readonly { key: string; expiresAt: number }[], now: number): string | null {
    this.sql.exec('DELETE FROM oauth_replays WHERE expires_at <= ?', now)
    for (const { key } of keys) {
      if (this.sql.exec('SELECT 1 FROM oauth_replays WHERE key = ?', key).toArray().length > 0) return key
    }
    for (const { key, expiresAt } of keys) {
      this.sql.exec('INSERT INTO oauth_replays (key, expires_at) VALUES (?, ?)', key, expiresAt)
    }
    return null
  }
}
