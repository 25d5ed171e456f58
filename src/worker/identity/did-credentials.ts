import { Secp256k1Keypair } from '@atproto/crypto'
import type * as plc from '@did-plc/lib'
import type { Config } from '../../shared/config'
import { invalidRequest } from '../../shared/xrpc-error'

/** What a DID document must say for this PDS to host the account (the `getRecommendedDidCredentials` shape). */
export type DidCredentials = {
  rotationKeys: string[]
  alsoKnownAs: string[]
  verificationMethods: Record<string, string>
  services: Record<string, { type: string; endpoint: string }>
}

/** The PDS's PLC rotation key; refuses (400) when `PLC_ROTATION_KEY` is not set. */
export async function rotationKeypair(config: Config): Promise<Secp256k1Keypair> {
  if (config.plc.rotationKeyHex === null) {
    throw invalidRequest('This PDS has no PLC rotation key: set the PLC_ROTATION_KEY secret')
  }
  return Secp256k1Keypair.import(config.plc.rotationKeyHex)
}

/** The owner's signing key as a did:key. */
export const signingDidKey = async (config: Config): Promise<string> =>
  (await Secp256k1Keypair.import(config.signingKeyHex)).did()

/**
 * The credentials this PDS recommends: our PLC rotation key (when set), the handle,
 * our signing key as `atproto`, our public URL as `atproto_pds`.
 */
export async function recommendedCredentials(config: Config, handle: string): Promise<DidCredentials> {
  const rotationKeys = config.plc.rotationKeyHex === null ? [] : [(await rotationKeypair(config)).did()]
  return {
    rotationKeys,
    alsoKnownAs: [`at://${handle}`],
    verificationMethods: { atproto: await signingDidKey(config) },
    services: { atproto_pds: { type: 'AtprotoPersonalDataServer', endpoint: config.publicUrl } },
  }
}

/**
 * Why a PLC operation would not let this PDS host the account, or null: it must keep our
 * rotation key, name our signing key, our endpoint and (first) the owner's handle, as the
 * reference PDS requires before it forwards an operation to the directory.
 */
export function operationProblem(op: plc.Operation, expected: DidCredentials): string | null {
  const [rotationKey] = expected.rotationKeys
  if (rotationKey !== undefined && !op.rotationKeys.includes(rotationKey))
    return "Rotation keys do not include server's rotation key"
  const pds = op.services.atproto_pds
  const ours = expected.services.atproto_pds
  if (pds?.type !== ours?.type) return 'Incorrect type on atproto_pds service'
  if (pds?.endpoint !== ours?.endpoint)
    return `Incorrect endpoint on atproto_pds service: this PDS is ${ours?.endpoint}`
  if (op.verificationMethods.atproto !== expected.verificationMethods.atproto) return 'Incorrect signing key'
  if (op.alsoKnownAs[0] !== expected.alsoKnownAs[0]) return 'Incorrect handle in alsoKnownAs'
  return null
}
