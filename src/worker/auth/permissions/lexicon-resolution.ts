import { verifyRecords } from '@atproto/repo'
import { isValidDid, NSID } from '@atproto/syntax'
import { didsOfTxt, type TxtLookup } from '../../identity/dns-txt'
import { readLimited } from '../../read-limited'

/** A lexicon record with its proof (commit and MST path); lexicons are small, this bounds what is read. */
const MAX_PROOF_BYTES = 64 * 1024
const LEXICON_SCHEMA = 'com.atproto.lexicon.schema'

/** What lexicon resolution needs from the outside, injectable for tests. */
export type LexiconResolutionDeps = {
  /** TXT records of a DNS name (DNS-over-HTTPS in the Worker). */
  lookupTxt: TxtLookup
  /** A DID's `#atproto_pds` endpoint and `#atproto` signing key (`did:key:…`), from its document. */
  authorityOf: (did: string) => Promise<LexiconAuthority>
  fetch: typeof fetch
}

export type LexiconAuthority = { pds: string; signingKey: string }

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
 * whose rkey is the NSID. The record is fetched with its proof (`sync.getRecord`) and
 * verified against the DID's signing key, so only its owner can have published it.
 * `signal` bounds the whole resolution.
 */
export async function resolveLexicon(
  nsid: string,
  deps: LexiconResolutionDeps,
  signal: AbortSignal,
): Promise<LexiconResolution> {
  let domain: string
  try {
    domain = NSID.parse(nsid).authority
  } catch {
    return failed(`${nsid} is not a valid NSID`)
  }
  const dids = didsOfTxt(await deps.lookupTxt(`_lexicon.${domain}`))
  const did = dids[0]
  if (dids.length !== 1 || did === undefined || !isValidDid(did)) {
    return failed(`No lexicon authority for ${nsid}: expected one DNS TXT record _lexicon.${domain} "did=…"`)
  }
  let authority: LexiconAuthority
  try {
    authority = await deps.authorityOf(did)
  } catch {
    return failed(`Could not resolve the PDS and key of ${did}, the lexicon authority of ${nsid}`)
  }
  const url = new URL('/xrpc/com.atproto.sync.getRecord', authority.pds)
  url.search = new URLSearchParams({ did, collection: LEXICON_SCHEMA, rkey: nsid }).toString()
  let proof: Uint8Array
  try {
    const res = await deps.fetch(url.toString(), { redirect: 'manual', signal })
    if (!res.ok || !res.body) {
      await res.body?.cancel()
      return failed(`The lexicon ${nsid} is not published by ${did} (HTTP ${res.status})`)
    }
    const bytes = await readLimited(res.body, MAX_PROOF_BYTES)
    if (!bytes) return failed(`The lexicon ${nsid} is larger than ${MAX_PROOF_BYTES} bytes`)
    proof = bytes
  } catch {
    return failed(`Could not fetch the lexicon ${nsid} from ${did}'s PDS`)
  }
  let value: unknown
  try {
    const claims = await verifyRecords(proof, did, authority.signingKey)
    value = claims.find((c) => c.collection === LEXICON_SCHEMA && c.rkey === nsid)?.record ?? undefined
  } catch {
    return failed(`The lexicon ${nsid} does not verify against ${did}'s signing key`)
  }
  if (value === undefined) return failed(`The lexicon ${nsid} is not published by ${did}`)
  if (!isObject(value) || (value.$type !== undefined && value.$type !== LEXICON_SCHEMA)) {
    return failed(`The record for ${nsid} is not a lexicon schema`)
  }
  if (value.id !== nsid) return failed(`The lexicon record for ${nsid} names another schema`)
  return { ok: true, lexicon: value }
}
