import { readLimited } from '../read-limited'

const TIMEOUT_MS = 5_000
const MAX_BYTES = 64 * 1024
/** DNS-over-HTTPS: Workers cannot send DNS queries themselves. */
export const DOH_URL = 'https://cloudflare-dns.com/dns-query'

/** Looks up the TXT records of a DNS name; none (or a failed lookup) is an empty list. */
export type TxtLookup = (name: string) => Promise<string[]>

/**
 * The TXT records of `name` through DNS-over-HTTPS (the JSON API), each record's quoted
 * strings joined as one. A failed or oversized answer is no records.
 */
export async function dohTxt(
  name: string,
  fetchImpl: typeof fetch,
  timeoutMs = TIMEOUT_MS,
): Promise<string[]> {
  const url = `${DOH_URL}?name=${encodeURIComponent(name)}&type=TXT`
  try {
    const res = await fetchImpl(url, {
      headers: { accept: 'application/dns-json' },
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (!res.ok || !res.body) return []
    const bytes = await readLimited(res.body, MAX_BYTES)
    if (!bytes) return []
    const body = JSON.parse(new TextDecoder().decode(bytes)) as {
      Answer?: { type?: number; data?: unknown }[]
    }
    return (body.Answer ?? [])
      .filter((a) => a.type === 16 && typeof a.data === 'string')
      .map((a) => (a.data as string).replace(/^"|"$/g, '').replace(/"\s*"/g, ''))
  } catch {
    return []
  }
}

/** The `did=` values among TXT records (`_atproto.<handle>`, `_lexicon.<authority>`). */
export const didsOfTxt = (records: string[]): string[] =>
  records.filter((txt) => txt.startsWith('did=')).map((txt) => txt.slice('did='.length).trim())
