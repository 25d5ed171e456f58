import { Secp256k1Keypair } from '@atproto/crypto'
import { OWNER } from './client'

export { type CheckedCommit, readSignedCommit, rehashMatches } from './commit-signature'

/** The owner's `did:key`, derived from the test signing key (not from the PDS). */
export async function ownerDidKey(): Promise<string> {
  return (await Secp256k1Keypair.import(OWNER.signingKeyHex)).did()
}
