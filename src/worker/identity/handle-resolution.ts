import { checkPublicUrl } from '../proxy/endpoint-policy'
import { readLimited } from '../read-limited'
import { didsOfTxt, dohTxt } from './dns-txt'

export { DOH_URL } from './dns-txt'

const TIMEOUT_MS = 5_000
const MAX_BYTES = 4096

export type HandleResolution = { fetch: typeof fetch; allowInsecure: boolean }

/** The `did=` values of the `_atproto.<handle>` TXT records, through DNS-over-HTTPS. */
async function dnsDids(handle: string, opts: HandleResolution): Promise<string[]> {
  return didsOfTxt(await dohTxt(`_atproto.${handle}`, opts.fetch, TIMEOUT_MS))
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
