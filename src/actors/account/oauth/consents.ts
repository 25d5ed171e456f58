const tokens = (scope: string): string[] => scope.split(' ').filter((t) => t !== '')

/**
 * The scopes the owner agreed to per client when they ticked "remember": a later request
 * of that client asking for no more than these may skip the consent page.
 */
export class Consents {
  constructor(private readonly sql: SqlStorage) {}

  /** Adds `scope`'s permissions to what `clientId` was granted before. */
  remember(clientId: string, scope: string, now: number): void {
    const merged = new Set([...tokens(this.scope(clientId) ?? ''), ...tokens(scope)])
    this.sql.exec(
      'INSERT OR REPLACE INTO oauth_consents (client_id, scope, updated_at) VALUES (?, ?, ?)',
      clientId,
      [...merged].join(' '),
      now,
    )
  }

  /** True when every permission of `scope` was consented to for `clientId` before. */
  covers(clientId: string, scope: string): boolean {
    const known = this.scope(clientId)
    if (known === null) return false
    const granted = new Set(tokens(known))
    return tokens(scope).every((t) => granted.has(t))
  }

  forget(clientId: string): void {
    this.sql.exec('DELETE FROM oauth_consents WHERE client_id = ?', clientId)
  }

  private scope(clientId: string): string | null {
    const row = this.sql
      .exec<{ scope: string }>('SELECT scope FROM oauth_consents WHERE client_id = ?', clientId)
      .toArray()[0]
    return row?.scope ?? null
  }
}
