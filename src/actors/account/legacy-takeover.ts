import type { AppPasswordRow } from './app-password-store'
/** An `app_passwords` row exactly as stored (the schema is the same on both actors). */
export type LegacyAppPasswordRow = AppPasswordRow

/** A `refresh_tokens` row exactly as stored. */
export type LegacyRefreshTokenRow = {
  id: string
  app_password_id: string | null
  expires_at: number
  next_id: string | null
}

/** The credential rows the repo actor held before the account actor existed. */
export type LegacyCredentials = {
  appPasswords: LegacyAppPasswordRow[]
  refreshTokens: LegacyRefreshTokenRow[]
}

/** Where the rows come from: the repo actor (its RPC methods of the same names). */
export interface LegacyCredentialSource {
  legacyCredentials(): Promise<LegacyCredentials>
  dropLegacyCredentials(): Promise<void>
}

type Progress = { copied_at: string | null; dropped_at: string | null }

/**
 * The one-time takeover of the credentials the repo actor used to own, run at start-up.
 *
 * Phases, each recorded in `legacy_takeover` so that a crash resumes where it stopped:
 * 1. copy: read the repo's rows and insert them here together with `copied_at`, in one transaction;
 * 2. drop: ask the repo to drop its old tables (idempotent), then set `dropped_at`.
 *
 * Invariant: the repo drops its tables only after their rows are committed here, so a
 * deployment that had app passwords and sessions keeps them. Once `copied_at` is set the
 * repo's rows are never read again, so nothing is copied twice.
 */
export async function takeOverLegacyCredentials(
  sql: SqlStorage,
  transaction: <T>(fn: () => T) => T,
  source: LegacyCredentialSource,
  now: () => string,
): Promise<void> {
  const progress = sql.exec<Progress>('SELECT copied_at, dropped_at FROM legacy_takeover WHERE id = 1').one()
  if (progress.dropped_at !== null) return
  if (progress.copied_at === null) {
    const legacy = await source.legacyCredentials()
    transaction(() => {
      for (const r of legacy.appPasswords) {
        sql.exec(
          'INSERT OR IGNORE INTO app_passwords (id, name, privileged, salt, hash, iterations, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
          r.id,
          r.name,
          r.privileged,
          r.salt,
          r.hash,
          r.iterations,
          r.created_at,
        )
      }
      for (const r of legacy.refreshTokens) {
        sql.exec(
          'INSERT OR IGNORE INTO refresh_tokens (id, app_password_id, expires_at, next_id) VALUES (?, ?, ?, ?)',
          r.id,
          r.app_password_id,
          r.expires_at,
          r.next_id,
        )
      }
      sql.exec('UPDATE legacy_takeover SET copied_at = ? WHERE id = 1', now())
    })
  }
  await source.dropLegacyCredentials()
  sql.exec('UPDATE legacy_takeover SET dropped_at = ? WHERE id = 1', now())
}
