import { resolveTxt } from 'node:dns/promises'
import { readCarWithRoot, verifyRepo } from '@atproto/repo'
import { atprotoDidKey, type VerificationMethod } from './did-key'

/** One line of the report: what was checked, whether it held, and what was seen. */
export type CheckResult = { name: string; ok: boolean; detail: string }

/** What the checks call out to; the defaults are the real network. */
export type CheckEnv = {
  fetch: typeof fetch
  /** `_atproto.<handle>` TXT lookup; the default is the system resolver. */
  resolveTxt: (name: string) => Promise<string[][]>
  /** Where the handle's `/.well-known/atproto-did` is asked; default `https://<handle>`. */
  handleOrigin: (handle: string) => string
  plcUrl: string
  /** Relays to call `requestCrawl` on; empty for none. */
  relays: string[]
}

export const defaultCheckEnv = (over: Partial<CheckEnv> = {}): CheckEnv => ({
  fetch: globalThis.fetch,
  resolveTxt,
  handleOrigin: (handle) => `https://${handle}`,
  plcUrl: 'https://plc.directory',
  relays: ['https://bsky.network'],
  ...over,
})

type DidDocument = {
  id?: string
  alsoKnownAs?: string[]
  verificationMethod?: VerificationMethod[]
  service?: { id: string; type?: string; serviceEndpoint?: unknown }[]
}

/** The DID document's URL: did:web per the method (http for localhost), did:plc at the directory. */
export function didDocumentUrl(did: string, plcUrl: string): string {
  if (did.startsWith('did:plc:')) return `${plcUrl.replace(/\/$/, '')}/${did}`
  if (!did.startsWith('did:web:')) throw new Error(`not a did:web or did:plc: ${did}`)
  const host = decodeURIComponent(did.slice('did:web:'.length))
  const scheme = /^(localhost|127\.0\.0\.1)(:\d+)?$/.test(host) ? 'http' : 'https'
  return `${scheme}://${host}/.well-known/did.json`
}

const endsWithId = (id: string, frag: string) => id === frag || id.endsWith(frag)

async function json<T>(env: CheckEnv, url: string, init?: RequestInit): Promise<T> {
  const res = await env.fetch(url, { ...init, signal: AbortSignal.timeout(15_000) })
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`)
  return (await res.json()) as T
}

/**
 * Checks a live PDS the way a relay and an AppView would see it, one result per check. Later
 * checks use what earlier ones learned (the DID, the document's key); when a prerequisite
 * failed they fail with a line saying so instead of being skipped silently.
 */
export async function runChecks(pdsUrl: string, env: CheckEnv): Promise<CheckResult[]> {
  const origin = new URL(pdsUrl).origin
  const host = new URL(pdsUrl).host
  const results: CheckResult[] = []
  const check = async <T>(
    name: string,
    fn: () => Promise<{ value: T; detail: string }>,
  ): Promise<T | null> => {
    try {
      const { value, detail } = await fn()
      results.push({ name, ok: true, detail })
      return value
    } catch (e) {
      results.push({ name, ok: false, detail: (e as Error).message })
      return null
    }
  }

  await check('describeServer', async () => {
    const d = await json<{ did?: string }>(env, `${origin}/xrpc/com.atproto.server.describeServer`)
    const want = `did:web:${host.replace(':', '%3A')}`
    if (d.did !== want) throw new Error(`answers as ${d.did}, not ${want}`)
    return { value: d.did, detail: `answers as ${d.did}` }
  })

  const did = await check('repo listed', async () => {
    const list = await json<{ repos: { did: string; active?: boolean }[] }>(
      env,
      `${origin}/xrpc/com.atproto.sync.listRepos`,
    )
    const repo = list.repos[0]
    if (!repo) throw new Error('listRepos names no repo')
    if (repo.active === false) throw new Error(`${repo.did} is not active`)
    return { value: repo.did, detail: repo.did }
  })

  const doc = await check('DID document', async () => {
    if (!did) throw new Error('no DID to resolve (see above)')
    const url = didDocumentUrl(did, env.plcUrl)
    const d = await json<DidDocument>(env, url)
    if (d.id !== did) throw new Error(`${url} is the document of ${d.id}, not ${did}`)
    const pds = d.service?.find((s) => endsWithId(s.id, '#atproto_pds'))?.serviceEndpoint
    if (pds !== origin) throw new Error(`names the PDS ${String(pds)}, not this host ${origin}`)
    const didKey = atprotoDidKey(d.verificationMethod)
    if (!didKey) throw new Error('has no #atproto verification method')
    return { value: { doc: d, didKey }, detail: `names ${origin} and key ${didKey}` }
  })

  const handle = doc?.doc.alsoKnownAs?.find((a) => a.startsWith('at://'))?.slice('at://'.length) ?? null
  await check('resolveHandle', async () => {
    if (!handle || !did) throw new Error('the DID document names no at:// handle')
    const r = await json<{ did: string }>(
      env,
      `${origin}/xrpc/com.atproto.identity.resolveHandle?handle=${encodeURIComponent(handle)}`,
    )
    if (r.did !== did) throw new Error(`${handle} resolves to ${r.did}, not ${did}`)
    return { value: r.did, detail: `${handle} → ${did}` }
  })

  await check('handle → DID (well-known or DNS)', async () => {
    if (!handle || !did) throw new Error('the DID document names no at:// handle')
    const seen: string[] = []
    try {
      const res = await env.fetch(`${env.handleOrigin(handle)}/.well-known/atproto-did`, {
        signal: AbortSignal.timeout(10_000),
      })
      const text = (await res.text()).trim()
      if (res.ok && text === did) return { value: true, detail: `https://${handle}/.well-known/atproto-did` }
      seen.push(`well-known: HTTP ${res.status} ${text.slice(0, 80)}`)
    } catch (e) {
      seen.push(`well-known: ${(e as Error).message}`)
    }
    try {
      const records = (await env.resolveTxt(`_atproto.${handle}`)).map((r) => r.join(''))
      if (records.includes(`did=${did}`)) return { value: true, detail: `_atproto.${handle} TXT did=${did}` }
      seen.push(`DNS: ${records.length ? records.join(', ') : 'no TXT record'}`)
    } catch (e) {
      seen.push(`DNS: ${(e as Error).message}`)
    }
    throw new Error(`${handle} does not resolve to ${did} (${seen.join('; ')})`)
  })

  await check('getRepo verifies', async () => {
    if (!did || !doc) throw new Error('no DID document key to verify against (see above)')
    const res = await env.fetch(`${origin}/xrpc/com.atproto.sync.getRepo?did=${encodeURIComponent(did)}`)
    if (!res.ok) throw new Error(`getRepo: HTTP ${res.status}`)
    const car = new Uint8Array(await res.arrayBuffer())
    const { root, blocks } = await readCarWithRoot(car)
    const repo = await verifyRepo(blocks, root, did, doc.didKey)
    return {
      value: true,
      detail: `${repo.creates.length} records, ${car.byteLength} bytes, signed by ${doc.didKey}`,
    }
  })

  for (const relay of env.relays) {
    await check(`requestCrawl ${relay}`, async () => {
      const res = await env.fetch(`${relay.replace(/\/$/, '')}/xrpc/com.atproto.sync.requestCrawl`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hostname: host }),
        signal: AbortSignal.timeout(15_000),
      })
      if (!res.ok) throw new Error(`HTTP ${res.status} ${(await res.text()).slice(0, 200)}`)
      return { value: true, detail: `accepted ${host}` }
    })
  }
  return results
}

/** `PASS name: detail` / `FAIL name: detail`, one line per check. */
export const formatCheck = (r: CheckResult): string => `${r.ok ? 'PASS' : 'FAIL'} ${r.name}: ${r.detail}`
