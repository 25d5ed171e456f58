import { formatDidKey, multibaseToBytes, P256_JWT_ALG, SECP256K1_JWT_ALG } from '@atproto/crypto'

/** A DID document's verification method, as much of it as the key needs. */
export type VerificationMethod = { id: string; type?: string; publicKeyMultibase?: string }

/** The legacy types name the curve; their multibase is the bare key, with no multicodec prefix. */
const LEGACY_TYPES: Record<string, string> = {
  EcdsaSecp256k1VerificationKey2019: SECP256K1_JWT_ALG,
  EcdsaSecp256r1VerificationKey2019: P256_JWT_ALG,
}

/**
 * The `#atproto` key of a DID document as a `did:key`, or null. `Multikey` is what current
 * PDSes and plc.directory serve; older PLC directories serve the legacy 2019 types.
 */
export function atprotoDidKey(methods: VerificationMethod[] | undefined): string | null {
  const vm = methods?.find((v) => v.id === '#atproto' || v.id.endsWith('#atproto'))
  if (!vm?.publicKeyMultibase) return null
  const legacy = vm.type ? LEGACY_TYPES[vm.type] : undefined
  if (legacy) return formatDidKey(legacy, multibaseToBytes(vm.publicKeyMultibase))
  return `did:key:${vm.publicKeyMultibase}`
}
