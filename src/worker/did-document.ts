import { Secp256k1Keypair } from '@atproto/crypto'
import { type Config, didWebFor } from '../shared/config'

let cachedKey: { hex: string; multibase: string } | null = null

/** The owner's public signing key as a Multikey (`z` + base58btc of the varint-prefixed key). */
export async function publicKeyMultibase(config: Config): Promise<string> {
  if (cachedKey?.hex === config.signingKeyHex) return cachedKey.multibase
  const keypair = await Secp256k1Keypair.import(config.signingKeyHex)
  const multibase = keypair.did().slice('did:key:'.length)
  cachedKey = { hex: config.signingKeyHex, multibase }
  return multibase
}

/** The owner's DID document as this PDS describes it: `#atproto` key and `#atproto_pds` service. */
export async function didDocument(config: Config) {
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: config.did,
    alsoKnownAs: [`at://${config.handle}`],
    verificationMethod: [
      {
        id: `${config.did}#atproto`,
        type: 'Multikey',
        controller: config.did,
        publicKeyMultibase: await publicKeyMultibase(config),
      },
    ],
    service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: config.publicUrl }],
  }
}

/** Whether this host serves the owner's did:web document itself. */
export const servesDidDocument = (config: Config): boolean => config.did === didWebFor(config.hostname)
