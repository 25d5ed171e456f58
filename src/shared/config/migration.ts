import { ok } from '../result'
import { type ConfigResult, numberSetting, positiveInteger } from './values'

/** Settings of account migration (importRepo). */
export type MigrationConfig = {
  /** Largest CAR `importRepo` accepts, in bytes (`REPO_IMPORT_LIMIT`). */
  importLimit: number
}

export const DEFAULT_REPO_IMPORT_LIMIT = 512 * 1024 * 1024

/** Parses the migration settings; called by `parseConfig` for `config.migration`. */
export function parseMigration(env: { REPO_IMPORT_LIMIT?: string }): ConfigResult<MigrationConfig> {
  const limit = numberSetting(
    'REPO_IMPORT_LIMIT',
    env.REPO_IMPORT_LIMIT,
    DEFAULT_REPO_IMPORT_LIMIT,
    positiveInteger,
    'a positive number of bytes',
  )
  if (!limit.ok) return limit
  return ok({ importLimit: limit.value })
}
