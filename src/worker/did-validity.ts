import { type DidDocument, getAtprotoVerificationMaterial, getPdsEndpoint } from '@atcute/identity'
import type { Config } from '../shared/config'
import { didDocument, publicKeyMultibase, servesDidDocument } from './did-document'

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
    const key = getAtprotoVerificationMaterial(doc)
    return (
      getPdsEndpoint(doc) === config.publicUrl &&
      key?.type === 'Multikey' &&
      key.publicKeyMultibase === (await publicKeyMultibase(config))
    )
  } catch {
    return false
  }
}
