import { isValidDid, NSID } from '@atproto/syntax'
import { didsOfTxt, type TxtLookup } from '../../identity/dns-txt'
import { readLimited } from '../../read-limited'

/** Lexicon documents are small; this bounds what one resolution reads. */
const MAX_LEXICON_BYTES = 64 * 1024
const LEXICON_SCHEMA = 'com.atproto.lexicon.schema'

/** What lexicon resolution needs from the outside, injectable for tests. */
export type LexiconResolutionDeps = {
  /** TXT records of a DNS name (DNS-over-HTTPS in the Worker). */
  lookupTxt: TxtLookup
  /** The `#atproto_pds` endpoint of a DID, from its resolved document. */
  pdsEndpoint: (did: string) => Promise<string>
  fetch: typeof fetch
}

export type LexiconResolution =
  | { ok: true; lexicon: Record<string, unknown> }
  | { ok: false; message: string }

const failed = (message: string): LexiconResolution => ({ ok: false, message })

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * Resolves the lexicon schema `nsid` as spec:lexicon publishes it: the NSID's authority
 * (its domain part, reversed) has a DNS TXT record `_lexicon.<authority>` with
 * `did=<DID>`; that DID's PDS holds the schema as the `com.atproto.lexicon.schema` record
 * whose rkey is the NSID. `signal` bounds the whole resolution.
 */
export async function resolveLexicon(
  nsid: string,
  deps: LexiconResolutionDeps,
  signal: AbortSignal,
): Promise<LexiconResolution> {
  let authority: string
  try {
    authority = NSID.parse(nsid).authority
  } catch {
    return failed(`${nsid} is not a valid NSID`)
  }
  const dids = didsOfTxt(await deps.lookupTxt(`_lexicon.${authority}`))
  const did = dids[0]
  if (dids.length !== 1 || did === undefined || !isValidDid(did)) {
    return failed(
      `No lexicon authority for ${nsid}: expected one DNS TXT record _lexicon.${authority} "did=…"`,
    )
  }
  let pds: string
  try {
    pds = await deps.pdsEndpoint(did)
  } catch {
    return failed(`Could not resolve the PDS of ${did}, the lexicon authority of ${nsid}`)
  }
  const url = new URL('/xrpc/com.atproto.repo.getRecord', pds)
  url.search = new URLSearchParams({ repo: did, collection: LEXICON_SCHEMA, rkey: nsid }).toString()
  let body: unknown
  try {
    const res = await deps.fetch(url.toString(), { redirect: 'manual', signal })
    if (!res.ok || !res.body) {
      await res.body?.cancel()
      return failed(`The lexicon ${nsid} is not published by ${did} (HTTP ${res.status})`)
    }
    const bytes = await readLimited(res.body, MAX_LEXICON_BYTES)
    if (!bytes) return failed(`The lexicon ${nsid} is larger than ${MAX_LEXICON_BYTES} bytes`)
    body = JSON.parse(new TextDecoder().decode(bytes))
  } catch {
    return failed(`Could not fetch the lexicon ${nsid} from ${did}'s PDS`)
  }
  const value = isObject(body) ? body.value : undefined
  if (!isObject(value) || (value.$type !== undefined && value.$type !== LEXICON_SCHEMA)) {
    return failed(`The record for ${nsid} is not a lexicon schema`)
  }
  if (value.id !== nsid) return failed(`The lexicon record for ${nsid} names another schema`)
  return { ok: true, lexicon: value }
}
