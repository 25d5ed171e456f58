import { ensureValidDid } from '@atproto/syntax'
import { err, ok, type Result } from '../result'

/** The one convention for a setting that is present but wrong: `InvalidConfig` naming it. */
export type ConfigResult<T> = Result<T, 'InvalidConfig'>

export const badSetting = (name: string, message: string): ConfigResult<never> =>
  err('InvalidConfig', `The setting ${name} is invalid: ${message}`)

export const missingSetting = (name: string): ConfigResult<never> =>
  err('InvalidConfig', `The setting ${name} is missing: set it in wrangler.toml [vars] or as a secret`)

/** Unset or blank counts as unset: Wrangler passes empty vars through as "". */
export const isUnset = (raw: string | undefined): raw is undefined | '' =>
  raw === undefined || raw.trim() === ''

/** A number that `accept` allows, or `fallback` when unset. */
export function numberSetting(
  name: string,
  raw: string | undefined,
  fallback: number,
  accept: (n: number) => boolean,
  what: string,
): ConfigResult<number> {
  if (isUnset(raw)) return ok(fallback)
  const n = Number(raw)
  return Number.isFinite(n) && accept(n) ? ok(n) : badSetting(name, `expected ${what}, got ${raw}`)
}

export const positiveInteger = (n: number): boolean => Number.isSafeInteger(n) && n > 0

export function urlSetting(name: string, raw: string): ConfigResult<string> {
  try {
    new URL(raw)
    return ok(raw.replace(/\/+$/, ''))
  } catch {
    return badSetting(name, `not a URL: ${raw}`)
  }
}

/** A service named as `did#service_id`, optionally with a known endpoint that skips resolution. */
export type ServiceRef = { did: string; serviceId: string; url: string | null }

export function serviceRefSetting(
  name: string,
  value: string,
  fallbackId: string,
  url: string | undefined,
): ConfigResult<ServiceRef> {
  const [did = '', serviceId, ...rest] = value.trim().split('#')
  try {
    ensureValidDid(did)
  } catch {
    return badSetting(name, `not a DID: ${did}`)
  }
  if (rest.length > 0 || serviceId === '') return badSetting(name, 'expected did or did#service_id')
  let known: string | null = null
  if (!isUnset(url)) {
    const parsed = urlSetting(`${name}'s URL`, url.trim())
    if (!parsed.ok) return parsed
    known = parsed.value
  }
  return ok({ did, serviceId: `#${serviceId ?? fallbackId}`, url: known })
}

/** Relay URLs from a comma-separated list; blanks are dropped. */
export const listSetting = (raw: string): string[] =>
  raw
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)

type Values<T> = { [K in keyof T]: T[K] extends ConfigResult<infer V> ? V : never }

/** All the parts' values, or the first part's problem (in the order given). */
export function allOk<T extends Record<string, ConfigResult<unknown>>>(parts: T): ConfigResult<Values<T>> {
  const values: Record<string, unknown> = {}
  for (const [name, part] of Object.entries(parts)) {
    if (!part.ok) return part
    values[name] = part.value
  }
  return ok(values as Values<T>)
}
