import { Secp256k1Keypair } from '@atproto/crypto'
import type { Config } from '../../shared/config'

let cached: { hex: string; keypair: Promise<Secp256k1Keypair> } | null = null

/**
 * The owner's repo signing keypair, imported once per isolate. The key only ever
 * comes from config (a secret); it is never logged or returned.
 */
export function signingKeypair(config: Config): Promise<Secp256k1Keypair> {
  if (cached?.hex === config.signingKeyHex) return cached.keypair
  const keypair = Secp256k1Keypair.import(config.signingKeyHex)
  cached = { hex: config.signingKeyHex, keypair }
  return keypair
}

/** The owner's public key as a `did:key`, what service-JWT verifiers resolve `iss` to. */
export const ownerDidKey = async (config: Config): Promise<string> => (await signingKeypair(config)).did()
