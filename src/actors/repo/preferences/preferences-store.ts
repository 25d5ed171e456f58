import { err, ok, type Result } from '../../../shared/result'
import type { RepoCode } from '../repo-codes'

/** One preference item: any JSON object with a `$type`. */
export type Preference = Record<string, unknown> & { $type: string }

export const PERSONAL_DETAILS_PREF = 'app.bsky.actor.defs#personalDetailsPref'
export const DECLARED_AGE_PREF = 'app.bsky.actor.defs#declaredAgePref'

/** Only full-access sessions may read or write these (atproto `preference/util.ts`). */
const FULL_ACCESS_ONLY = new Set([PERSONAL_DETAILS_PREF])
/** Computed on read, never stored. */
const READ_ONLY = new Set([DECLARED_AGE_PREF])

const inNamespace = (namespace: string, type: string): boolean =>
  type === namespace || type.startsWith(`${namespace}.`)

const allowed = (type: string, fullAccess: boolean): boolean => fullAccess || !FULL_ACCESS_ONLY.has(type)

/** Whole years between `birthDate` and `now` (UTC). */
export function ageAt(birthDate: string, now: number): number {
  const born = new Date(birthDate)
  const today = new Date(now)
  let age = today.getUTCFullYear() - born.getUTCFullYear()
  const months = today.getUTCMonth() - born.getUTCMonth()
  if (months < 0 || (months === 0 && today.getUTCDate() < born.getUTCDate())) age--
  return age
}

/**
 * The owner's account preferences (`app.bsky.actor.getPreferences`/`putPreferences`).
 * A put replaces every stored preference of the namespace that the caller may see;
 * an app-password put therefore keeps the stored `personalDetailsPref`.
 */
export class PreferencesStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly transaction: <T>(fn: () => T) => T,
  ) {}

  get(namespace: string, fullAccess: boolean, now: number): Preference[] {
    const prefs = this.sql
      .exec<{ type: string; value_json: string }>('SELECT type, value_json FROM preferences ORDER BY id')
      .toArray()
      .filter((r) => inNamespace(namespace, r.type))
      .map((r) => JSON.parse(r.value_json) as Preference)
    const details = prefs.find((p) => p.$type === PERSONAL_DETAILS_PREF)
    if (typeof details?.birthDate === 'string' && !Number.isNaN(Date.parse(details.birthDate))) {
      const age = ageAt(details.birthDate, now)
      prefs.push({
        $type: DECLARED_AGE_PREF,
        isOverAge13: age >= 13,
        isOverAge16: age >= 16,
        isOverAge18: age >= 18,
      })
    }
    return prefs.filter((p) => allowed(p.$type, fullAccess))
  }

  put(values: Preference[], namespace: string, fullAccess: boolean): Result<void, RepoCode> {
    if (!values.every((v) => inNamespace(namespace, v.$type))) {
      return err('InvalidRequest', `Some preferences are not in the ${namespace} namespace`)
    }
    const forbidden = values.filter((v) => !allowed(v.$type, fullAccess)).map((v) => v.$type)
    if (forbidden.length > 0) {
      return err('InvalidRequest', `Do not have authorization to set preferences: ${forbidden.join(', ')}`)
    }
    return this.transaction(() => {
      const stored = this.sql.exec<{ id: number; type: string }>('SELECT id, type FROM preferences').toArray()
      for (const row of stored) {
        if (inNamespace(namespace, row.type) && allowed(row.type, fullAccess)) {
          this.sql.exec('DELETE FROM preferences WHERE id = ?', row.id)
        }
      }
      for (const value of values) {
        if (READ_ONLY.has(value.$type)) continue
        this.sql.exec(
          'INSERT INTO preferences (type, value_json) VALUES (?, ?)',
          value.$type,
          JSON.stringify(value),
        )
      }
      return ok(undefined)
    })
  }
}
