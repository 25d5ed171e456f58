import { IncludeScope, type LexiconPermission, type LexiconPermissionSet } from '@atproto/oauth-scopes'
import { type LexiconResolutionDeps, resolveLexicon } from './lexicon-resolution'

/** At most this many `include:` in one request. */
const MAX_INCLUDES = 10
/** A set with more permissions than this is refused rather than partly granted. */
const MAX_SET_PERMISSIONS = 100
/** The expanded scope string stays below this many characters. */
const MAX_SCOPE_CHARS = 16 * 1024
/** How long resolving every `include:` of one request may take together. */
const DEADLINE_MS = 10_000
/** A set is re-resolved after an hour ... */
const FRESH_MS = 60 * 60_000
/** ... and, if that fails, used at most a day after it was resolved (spec:permission's firm bound). */
const STALE_MS = 24 * 60 * 60_000
const MAX_CACHED = 100

export type ExpandedScope =
  | { ok: true; scope: string }
  | { ok: false; error: 'invalid_scope'; message: string }

/** What `expandScope` needs: lexicon resolution, and optionally a clock, a deadline and a cache. */
export type PermissionSetDeps = LexiconResolutionDeps & {
  now?: () => number
  deadlineMs?: number
  cache?: PermissionSetCache
}

type Cached = { set: LexiconPermissionSet; resolvedAt: number }

/** Resolved permission sets by NSID, bounded; the oldest entry goes first. */
export class PermissionSetCache {
  private readonly entries = new Map<string, Cached>()

  get(nsid: string): Cached | undefined {
    return this.entries.get(nsid)
  }

  set(nsid: string, entry: Cached): void {
    this.entries.delete(nsid)
    if (this.entries.size >= MAX_CACHED) this.entries.delete(this.entries.keys().next().value as string)
    this.entries.set(nsid, entry)
  }
}

/** Shared by every request this isolate serves. */
const isolateCache = new PermissionSetCache()

const invalidScope = (message: string): ExpandedScope => ({ ok: false, error: 'invalid_scope', message })

const isParamValue = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'

/** A permission entry the library can read; anything else in the set is ignored (spec:permission). */
function isLexPermission(v: unknown): v is LexiconPermission {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const entry = v as Record<string, unknown>
  if (entry.type !== 'permission' || typeof entry.resource !== 'string') return false
  return Object.values(entry).every((x) => isParamValue(x) || (Array.isArray(x) && x.every(isParamValue)))
}

/** The `permission-set` of a lexicon document, or why it is not one. */
function permissionSetOf(nsid: string, lexicon: Record<string, unknown>): LexiconPermissionSet | string {
  const defs = lexicon.defs as Record<string, unknown> | undefined
  const main = typeof defs === 'object' && defs !== null ? (defs.main as Record<string, unknown>) : undefined
  if (main?.type !== 'permission-set' || !Array.isArray(main.permissions)) {
    return `The lexicon ${nsid} is not a permission set`
  }
  if (main.permissions.length > MAX_SET_PERMISSIONS) {
    return `The permission set ${nsid} has more than ${MAX_SET_PERMISSIONS} permissions`
  }
  return { type: 'permission-set', permissions: main.permissions.filter(isLexPermission) }
}

/** One set, from the cache while fresh, else resolved (a stale entry stands in if that fails). */
async function permissionSet(
  nsid: string,
  deps: PermissionSetDeps,
  signal: AbortSignal,
): Promise<LexiconPermissionSet | string> {
  const cache = deps.cache ?? isolateCache
  const now = deps.now ?? Date.now
  const hit = cache.get(nsid)
  if (hit && now() - hit.resolvedAt < FRESH_MS) return hit.set
  const resolved = await resolveLexicon(nsid, deps, signal)
  const set = resolved.ok ? permissionSetOf(nsid, resolved.lexicon) : resolved.message
  if (typeof set !== 'string') {
    cache.set(nsid, { set, resolvedAt: now() })
    return set
  }
  if (hit && now() - hit.resolvedAt < STALE_MS) return hit.set
  return set
}

/** Resolves within `ms` or gives up: the deps may not all honour the abort signal. */
function withDeadline<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T | 'timeout'> {
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort()
      resolve('timeout')
    }, ms)
  })
  return Promise.race([run(controller.signal), timeout]).finally(() => clearTimeout(timer))
}

/**
 * Turns each `include:<nsid>[?aud=…]` of a requested OAuth scope into the concrete
 * permissions of that permission set (spec:permission "Permission Sets"): the set is a
 * lexicon resolved through DNS and its authority's PDS (`resolveLexicon`); `rpc`
 * permissions with `inheritAud` take the include's `aud`; only `repo` and `rpc`
 * permissions under the set's own NSID group survive (`@atproto/oauth-scopes`
 * `IncludeScope` applies the namespace rule). Other tokens stay as they are. An include
 * that cannot be resolved, or is not a permission set, makes the whole scope
 * `invalid_scope`, as the reference authorization server answers at PAR. Bounded: at
 * most `MAX_INCLUDES` sets, `DEADLINE_MS` for all of them, `MAX_SCOPE_CHARS` out, and
 * sets cached per isolate.
 */
export async function expandScope(scope: string, deps: PermissionSetDeps): Promise<ExpandedScope> {
  const tokens = scope.split(' ').filter((t) => t !== '')
  const includes = tokens.map((t) => IncludeScope.fromString(t))
  const nsids = [...new Set(includes.flatMap((inc) => (inc ? [inc.nsid] : [])))]
  if (nsids.length === 0) return { ok: true, scope: tokens.join(' ') }
  if (includes.filter(Boolean).length > MAX_INCLUDES) {
    return invalidScope(`At most ${MAX_INCLUDES} include: permission sets may be requested`)
  }
  const sets = await withDeadline(deps.deadlineMs ?? DEADLINE_MS, (signal) =>
    Promise.all(nsids.map(async (nsid) => [nsid, await permissionSet(nsid, deps, signal)] as const)),
  )
  if (sets === 'timeout') return invalidScope('Resolving the requested permission sets took too long')
  const byNsid = new Map(sets)
  for (const [nsid, set] of sets) {
    if (typeof set === 'string') return invalidScope(`Could not resolve permission set ${nsid}: ${set}`)
  }
  const out = new Set<string>()
  tokens.forEach((token, i) => {
    const include = includes[i]
    const set = include ? byNsid.get(include.nsid) : undefined
    if (!include || set === undefined || typeof set === 'string') out.add(token)
    else for (const permission of include.toScopes(set)) out.add(permission)
  })
  const expanded = [...out].join(' ')
  if (expanded.length > MAX_SCOPE_CHARS) {
    return invalidScope(`The requested permissions expand to more than ${MAX_SCOPE_CHARS} characters`)
  }
  return { ok: true, scope: expanded }
}
