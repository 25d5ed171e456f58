import { ensureValidDid, ensureValidHandle } from '@atproto/syntax'
import { ok } from '../result'
import type { Config, RawSettings } from './index'
import { badSetting, type ConfigResult, isUnset, missingSetting } from './values'

const HOSTNAME_RE = /^[a-z0-9.-]+(:\d{1,5})?$/i

export const isLoopbackHost = (hostname: string): boolean =>
  /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(hostname)

/** `did:web` for a hostname; a port is percent-encoded as the did:web method requires. */
export const didWebFor = (hostname: string): string => `did:web:${hostname.replace(':', '%3A')}`

/** The owner, the host and the secrets: the settings without which nothing runs. */
export type Identity = Pick<
  Config,
  | 'hostname'
  | 'publicUrl'
  | 'serviceDid'
  | 'did'
  | 'handle'
  | 'signingKeyHex'
  | 'password'
  | 'jwtSecret'
  | 'authToken'
  | 'email'
>

export function parseIdentity(env: RawSettings): ConfigResult<Identity> {
  const hostname = env.PDS_HOSTNAME?.trim()
  if (!hostname) return missingSetting('PDS_HOSTNAME')
  if (!HOSTNAME_RE.test(hostname)) return badSetting('PDS_HOSTNAME', `not a host name: ${hostname}`)

  const did = env.DID?.trim()
  if (!did) return missingSetting('DID')
  try {
    ensureValidDid(did)
  } catch {
    return badSetting('DID', `not a valid DID: ${did}`)
  }
  if (!did.startsWith('did:web:') && !did.startsWith('did:plc:'))
    return badSetting('DID', 'must be a did:web or did:plc')

  const handle = env.HANDLE?.trim().toLowerCase()
  if (!handle) return missingSetting('HANDLE')
  try {
    ensureValidHandle(handle)
  } catch {
    return badSetting('HANDLE', `not a valid handle: ${handle}`)
  }

  const signingKeyHex = env.SIGNING_KEY?.trim().toLowerCase()
  if (!signingKeyHex) return missingSetting('SIGNING_KEY')
  if (!/^[0-9a-f]{64}$/.test(signingKeyHex)) {
    return badSetting(
      'SIGNING_KEY',
      'must be a hex-encoded 32-byte secp256k1 private key (64 hex characters)',
    )
  }

  const password = env.PASSWORD
  if (!password) return missingSetting('PASSWORD')
  if (password.length < 12) return badSetting('PASSWORD', 'must be at least 12 characters long')
  const jwtSecret = env.JWT_SECRET
  if (!jwtSecret) return missingSetting('JWT_SECRET')
  if (jwtSecret.length < 16) return badSetting('JWT_SECRET', 'must be at least 16 characters long')
  const authToken = env.AUTH_TOKEN ? env.AUTH_TOKEN : null
  if (authToken !== null && authToken.length < 32)
    return badSetting('AUTH_TOKEN', 'must be at least 32 characters long')

  const email = isUnset(env.EMAIL) ? null : env.EMAIL.trim()
  if (email !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    return badSetting('EMAIL', `not an email address: ${email}`)

  return ok({
    hostname,
    publicUrl: `${isLoopbackHost(hostname) ? 'http' : 'https'}://${hostname}`,
    serviceDid: didWebFor(hostname),
    did,
    handle,
    signingKeyHex,
    password,
    jwtSecret,
    authToken,
    email,
  })
}
