import { ok } from '../result'
import type { RawSettings } from './index'
import { allOk, type ConfigResult, numberSetting, positiveInteger } from './values'

/** Scheduled snapshots of the repo CAR into R2 (`BACKUP_*`). */
export type BackupConfig = {
  /** Hours between snapshots (`BACKUP_EVERY_HOURS`); null when snapshots are off. */
  everyHours: number | null
  /** How many snapshots are kept, the newest (`BACKUP_KEEP`). */
  keep: number
}

export const DEFAULT_BACKUP_KEEP = 7

/** The settings this file reads. */
type BackupSettings = Pick<RawSettings, 'BACKUP_EVERY_HOURS' | 'BACKUP_KEEP'>

/** Unset or 0 hours is off; otherwise a whole number of hours and of snapshots kept. */
export function parseBackups(env: BackupSettings): ConfigResult<BackupConfig> {
  const parts = allOk({
    hours: numberSetting(
      'BACKUP_EVERY_HOURS',
      env.BACKUP_EVERY_HOURS,
      0,
      (n) => n === 0 || positiveInteger(n),
      'a whole number of hours (0 for off)',
    ),
    keep: numberSetting(
      'BACKUP_KEEP',
      env.BACKUP_KEEP,
      DEFAULT_BACKUP_KEEP,
      positiveInteger,
      'a positive whole number of snapshots',
    ),
  })
  if (!parts.ok) return parts
  return ok({ everyHours: parts.value.hours === 0 ? null : parts.value.hours, keep: parts.value.keep })
}
