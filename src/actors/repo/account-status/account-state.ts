/** Hosting status as relays see it in `#account` and `getRepoStatus`. */
export type AccountStatus = { active: boolean; status: 'deactivated' | null }

/**
 * The account's hosting status, the handle updateHandle stored (the HANDLE setting is
 * only its initial value) and a fingerprint of what the DID document and
 * handle say (handle, host, signing key), so a change between deploys is noticed
 * at startup and announced with `#identity`.
 */
export class AccountState {
  /** Read on every write, so kept in memory; this actor is the only writer of the row. */
  private cached: AccountStatus | null = null

  constructor(private readonly sql: SqlStorage) {}

  status(): AccountStatus {
    if (this.cached) return this.cached
    const row = this.sql
      .exec<{ active: number; status: string | null }>(
        'SELECT active, status FROM account_state WHERE id = 1',
      )
      .one()
    this.cached = { active: row.active === 1, status: row.status === 'deactivated' ? 'deactivated' : null }
    return this.cached
  }

  /** Dropping the cache (rather than setting it) keeps a rolled-back transaction from leaving it ahead. */
  setStatus(status: AccountStatus): void {
    this.sql.exec(
      'UPDATE account_state SET active = ?, status = ? WHERE id = 1',
      status.active ? 1 : 0,
      status.status,
    )
    this.cached = null
  }

  /** The handle updateHandle stored, or null while the HANDLE setting applies. */
  storedHandle(): string | null {
    return this.sql.exec<{ handle: string | null }>('SELECT handle FROM account_state WHERE id = 1').one()
      .handle
  }

  setHandle(handle: string): void {
    this.sql.exec('UPDATE account_state SET handle = ? WHERE id = 1', handle)
  }

  identityFingerprint(): string | null {
    return this.sql
      .exec<{ fingerprint: string | null }>('SELECT fingerprint FROM account_state WHERE id = 1')
      .one().fingerprint
  }

  setIdentityFingerprint(fingerprint: string): void {
    this.sql.exec('UPDATE account_state SET fingerprint = ? WHERE id = 1', fingerprint)
  }
}

/** What, if it changes, relays must re-resolve: the handle, the PDS host and the signing key. */
export const identityFingerprint = (i: { handle: string; hostname: string; signingDidKey: string }): string =>
  JSON.stringify([i.handle, i.hostname, i.signingDidKey])

/** The signing key part of a fingerprint, to tell a key change from a handle change. */
export const fingerprintKey = (fingerprint: string): string | undefined => {
  const parsed = JSON.parse(fingerprint) as unknown
  return Array.isArray(parsed) && typeof parsed[2] === 'string' ? parsed[2] : undefined
}
