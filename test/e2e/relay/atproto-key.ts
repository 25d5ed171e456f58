import { formatDidKey, parseMultikey } from '@atproto/crypto'
import { loopbackFetch } from '../harness/loopback-fetch'

/** What a relay takes from a DID document: the signing key and the PDS host. */
export type ResolvedIdentity = { didKey: string; pdsEndpoint: string; handle: string | null }

type DidDoc = {
  id?: unknown
  alsoKnownAs?: unknown
  verificationMethod?: { id?: unknown; type?: unknown; publicKeyMultibase?: unknown }[]
  service?: { id?: unknown; type?: unknown; serviceEndpoint?: unknown }[]
}

/** The did:web document URL; only `localhost` may carry a port, and it is fetched over http. */
export function didWebUrl(did: string): URL {
  const host = /^did:web:([^:]+)$/.exec(did)?.[1]
  if (!host) throw new Error(`${did} is not a hostname did:web`)
  const hostname = decodeURIComponent(host)
  const local = /^localhost(:\d+)?$/.test(hostname)
  if (!local && hostname.includes(':')) throw new Error(`${did}: a port is only allowed for localhost`)
  return new URL(`${local ? 'http' : 'https'}://${hostname}/.well-known/did.json`)
}

/**
 * Resolves a did:web the way the relay does (indigo `atproto/identity`): HTTP 200 or
 * failure, the `#atproto` Multikey parsed into a `did:key` (k256 or p256), and the
 * `#atproto_pds` endpoint whose host must match the host the relay streams from.
 */
export async function resolveAtprotoIdentity(did: string): Promise<ResolvedIdentity> {
  const res = await loopbackFetch(didWebUrl(did), { redirect: 'error' })
  if (res.status !== 200) throw new Error(`DID document of ${did}: HTTP ${res.status}`)
  const doc = (await res.json()) as DidDoc
  if (doc.id !== did) throw new Error(`DID document id ${String(doc.id)} is not ${did}`)
  const key = doc.verificationMethod?.find((m) => m.id === `${did}#atproto` || m.id === '#atproto')
  if (key?.type !== 'Multikey' || typeof key.publicKeyMultibase !== 'string') {
    throw new Error(`DID document of ${did} has no #atproto Multikey`)
  }
  const { jwtAlg, keyBytes } = parseMultikey(key.publicKeyMultibase)
  const pds = doc.service?.find((s) => s.id === '#atproto_pds' || s.id === `${did}#atproto_pds`)
  if (pds?.type !== 'AtprotoPersonalDataServer' || typeof pds.serviceEndpoint !== 'string') {
    throw new Error(`DID document of ${did} has no #atproto_pds service`)
  }
  const aka = Array.isArray(doc.alsoKnownAs) ? doc.alsoKnownAs : []
  const handle =
    aka.find((a): a is string => typeof a === 'string' && a.startsWith('at://'))?.slice(5) ?? null
  return { didKey: formatDidKey(jwtAlg, keyBytes), pdsEndpoint: pds.serviceEndpoint, handle }
}
