import { checkPublicUrl } from '../proxy/endpoint-policy'
import { readLimited } from '../read-limited'

const TIMEOUT_MS = 5_000
const MAX_BYTES = 4096
/** DNS-over-HTTPS: Workers cannot send DNS queries themselves. */
export const DOH_URL = 'https://cloudflare-dns.com/dns-query'

export type HandleResolution = { fetch: typeof fetch; allowInsecure: boolean }

/** The `did=` values of the `_atproto.<handle>` TXT records, through DNS-over-HTTPS (JSON API). */
async function dnsDids(handle: string, opts: HandleResolution): Promise<string[]> {
  const url = `${DOH_URL}?name=${encodeURIComponent(`_atproto.${handle}`)}&type=TXT`
  try {
    const res = await opts.fetch(url, {
      headers: { accept: 'application/dns-json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    if (!res.ok || !res.body) return []
    const bytes = await readLimited(res.body, 64 * 1024)
    if (!bytes) return []
    const body = JSON.parse(new TextDecoder().decode(bytes)) as {
      Answer?: { type?: number; data?: unknown }[]
    }
    return (body.Answer ?? [])
      .filter((a) => a.type === 16 && typeof a.data === 'string')
      .map((a) => (a.data as string).replace(/^"|"$/g, '').replace(/"\s*"/g, ''))
      .filter((txt) => txt.startsWith('did='))
      .map((txt) => txt.slice('did='.length).trim())
  } catch {
    return []
  }
}

/** `https://<handle>/.well-known/atproto-did` through the proxy's target policy: no redirects, a bounded body. */
async function httpsDid(handle: string, opts: HandleResolution): Promise<string | null> {
  try {
    const url = checkPublicUrl(`https://${handle}/.well-known/atproto-did`, opts.allowInsecure)
    const res = await opts.fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) })
    if (!res.ok || !res.body) return null
    const bytes = await readLimited(res.body, MAX_BYTES)
    return bytes ? new TextDecoder().decode(bytes).trim() : null
  } catch {
    return null
  }
}

/**
 * Whether `handle` resolves to `did`, as the handle spec resolves it: a single
 * `_atproto` TXT record `did=<did>` (looked up over DNS-over-HTTPS), or else the HTTPS
 * well-known file.
 */
export async function handleResolvesTo(
  handle: string,
  did: string,
  opts: HandleResolution,
): Promise<boolean> {
  const fromDns = await dnsDids(handle, opts)
  if (fromDns.length === 1) return fromDns[0] === did
  return (await httpsDid(handle, opts)) === did
}
