import type { LegacyAppPasswordRow, LegacyCredentials, LegacyRefreshTokenRow } from '../account'
import { DROP_LEGACY_CREDENTIALS } from './migrations'

/**
 * The credential tables of repo migration 3. Credentials moved to the account actor,
 * which takes these rows over once at its first start and then has the tables dropped
 * (account/legacy-takeover.ts).
 */
export function legacyCredentials(sql: SqlStorage): LegacyCredentials {
  const tables = sql
    .exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN ('app_passwords', 'refresh_tokens')")
    .toArray()
  if (tables.length < 2) return { appPasswords: [], refreshTokens: [] }
  return {
    appPasswords: sql.exec<LegacyAppPasswordRow>('SELECT * FROM app_passwords').toArray(),
    refreshTokens: sql.exec<LegacyRefreshTokenRow>('SELECT * FROM refresh_tokens').toArray(),
  }
}

/** Drops the old tables; only after the account actor's copy has committed. */
export function dropLegacyCredentials(storage: DurableObjectStorage): void {
  storage.transactionSync(() => storage.sql.exec(DROP_LEGACY_CREDENTIALS))
}
