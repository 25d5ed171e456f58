import { err, ok, type Result } from '../../shared/result'
import type { AccountCode } from './account-codes'

/** A service JWT getServiceAuth issued with this PDS as its audience. */
export type ServiceGrant = {
  jti: string
  /** The credential that asked for it; uploads made with it count against that credential. */
  quotaKey: string
  /** Set when an app-password session asked: revoking that app password kills the JWT. */
  appPasswordId: string | null
  /** Set when an OAuth token asked: the JWT dies with that grant. */
  oauthGrantId: string | null
  generation: number
  /** ms since the epoch: the JWT's `exp`. */
  expiresAt: number
}

type Row = {
  quota_key: string
  app_password_id: string | null
  oauth_grant_id: string | null
  generation: number
  expires_at: number
  used_at: number | null
}

const refused = (message: string) => err('ServiceJwtRefused' as const, message)

/**
 * The service JWTs this PDS issued for itself, by `jti`, kept until their `exp`. An inbound
 * owner service JWT is accepted once: it must have been issued here, be unused, belong to
 * the current session generation, and its app password or OAuth grant (if any) must still
 * be there. A row
 * outlives its use until `exp`, so a replay is refused rather than looking unknown.
 */
export class ServiceGrants {
  constructor(private readonly sql: SqlStorage) {}

  record(grant: ServiceGrant): void {
    this.sql.exec(
      'INSERT OR REPLACE INTO service_grants (jti, quota_key, app_password_id, oauth_grant_id, generation, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, NULL)',
      grant.jti,
      grant.quotaKey,
      grant.appPasswordId,
      grant.oauthGrantId,
      grant.generation,
      grant.expiresAt,
    )
  }

  /** Marks `jti` used, or says why it may not be. Call inside a transaction. */
  consume(
    jti: string,
    now: number,
    generation: number,
    still: { appPasswordExists: (id: string) => boolean; oauthGrantLive: (id: string) => boolean },
  ): Result<{ quotaKey: string }, AccountCode> {
    this.sql.exec('DELETE FROM service_grants WHERE expires_at <= ?', now)
    const row = this.sql.exec<Row>('SELECT * FROM service_grants WHERE jti = ?', jti).toArray()[0]
    if (!row) return refused('jwt was not issued by this PDS, or has expired')
    if (row.used_at !== null) return refused('jwt has already been used')
    if (row.generation !== generation) return refused('jwt has been revoked')
    if (row.app_password_id !== null && !still.appPasswordExists(row.app_password_id)) {
      return refused('jwt has been revoked')
    }
    if (row.oauth_grant_id !== null && !still.oauthGrantLive(row.oauth_grant_id)) {
      return refused('jwt has been revoked')
    }
    this.sql.exec('UPDATE service_grants SET used_at = ? WHERE jti = ?', now, jti)
    return ok({ quotaKey: row.quota_key })
  }
}
