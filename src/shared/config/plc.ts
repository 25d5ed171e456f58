import { ok } from '../result'
import { badSetting, type ConfigResult, isUnset, missingSetting } from './values'

/** The PDS's own did:plc rotation key (`PLC_ROTATION_KEY`). */
export type PlcConfig = {
  /**
   * Hex-encoded 32-byte secp256k1 private key this PDS signs PLC operations with
   * (signPlcOperation, updateHandle) and recommends as a rotation key. Required for a
   * did:plc owner; optional for did:web, which has no PLC log.
   */
  rotationKeyHex: string | null
}

/** Parses the PLC settings; called by `parseConfig` for `config.plc`. */
export function parsePlc(env: { PLC_ROTATION_KEY?: string }, did: string): ConfigResult<PlcConfig> {
  if (isUnset(env.PLC_ROTATION_KEY)) {
    return did.startsWith('did:plc:') ? missingSetting('PLC_ROTATION_KEY') : ok({ rotationKeyHex: null })
  }
  const hex = env.PLC_ROTATION_KEY.trim().toLowerCase()
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    return badSetting(
      'PLC_ROTATION_KEY',
      'must be a hex-encoded 32-byte secp256k1 private key (64 hex characters)',
    )
  }
  return ok({ rotationKeyHex: hex })
}
