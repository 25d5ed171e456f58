import { type DidDocument, getAtprotoVerificationMaterial, getPdsEndpoint } from '@atcute/identity'
import { formatMultikey, SECP256K1_JWT_ALG } from '@atproto/crypto'
import { base58btc } from 'multiformats/bases/base58'
import type { Config } from '../shared/config'
import { invalidRequest } from '../shared/xrpc-error'
import { didDocument, publicKeyMultibase, servesDidDocument } from './did-document'
import { DidResolver } from './proxy/did-resolver'

/**
 * Whether the owner's DID document names this PDS: its `#atproto_pds` endpoint is our
 * public URL and its `#atproto` key is our signing key (checkAccountStatus `validDid`).
 * A did:web of this host is our own document; any other DID is resolved with `resolve`.
 * A failed resolution counts as not valid.
 */
export async function didNamesThisPds(
  config: Config,
  resolve: (did: string) => Promise<DidDocument>,
): Promise<boolean> {
  try {
    const doc = servesDidDocument(config)
      ? ((await didDocument(config)) as unknown as DidDocument)
      : await resolve(config.did)
    return (
      getPdsEndpoint(doc) === config.publicUrl && atprotoMultikey(doc) === (await publicKeyMultibase(config))
    )
  } catch {
    return false
  }
}

/**
 * The `#atproto` key as a Multikey. Older PLC directories (and `@did-plc/server`) still
 * serve the legacy `EcdsaSecp256k1VerificationKey2019` form, an uncompressed key without
 * a multicodec prefix; it names the same key, so it is converted rather than refused.
 */
export function atprotoMultikey(doc: DidDocument): string | null {
  const key = getAtprotoVerificationMaterial(doc)
  if (key?.type === 'Multikey') return key.publicKeyMultibase
  if (key?.type === 'EcdsaSecp256k1VerificationKey2019')
    return formatMultikey(SECP256K1_JWT_ALG, base58btc.decode(key.publicKeyMultibase))
  return null
}

/**
 * Resolves the owner's DID as relays will: PLC_URL for did:plc, the guarded did:web fetch
 * otherwise. A fresh resolver each time, so a document just changed is not read from a cache.
 */
export function ownerDidResolver(config: Config, fetchImpl: typeof fetch = fetch) {
  const resolver = new DidResolver({
    fetch: (input, init) => fetchImpl(input, init),
    plcUrl: config.proxy.plcUrl,
    allowInsecure: config.proxy.allowInsecure,
  })
  return (did: string) => resolver.resolve(did)
}

/** Refuses (400) while the owner's DID document does not name this PDS and our signing key. */
export async function assertDidNamesThisPds(
  config: Config,
  resolve: (did: string) => Promise<DidDocument> = ownerDidResolver(config),
): Promise<void> {
  if (await didNamesThisPds(config, resolve)) return
  throw invalidRequest(
    `The DID document of ${config.did} does not name this PDS: its #atproto_pds service must be ` +
      `${config.publicUrl} and its #atproto key this PDS's signing key. Update it first ` +
      '(com.atproto.identity.getRecommendedDidCredentials, then signPlcOperation on the old PDS ' +
      'and submitPlcOperation here), then activate.',
  )
}
