import { ensureValidDid, ensureValidHandle } from '@atproto/syntax'
import { err, ok, type Result } from './result'

/** The environment as Wrangler provides it: plain vars and secrets. */
export type RawConfigEnv = {
  PDS_HOSTNAME?: string
  DID?: string
  HANDLE?: string
  SIGNING_KEY?: string
  PASSWORD?: string
  JWT_SECRET?: string
  AUTH_TOKEN?: string
}

/** Validated deploy-time configuration of this single-user PDS. */
export type Config = {
  /** Public host, with port only for localhost (e.g. `pds.example.com`, `localhost:8787`). */
  hostname: string
  /** `https://<hostname>`, or `http://` for a loopback host. */
  publicUrl: string
  /** This server's own DID: `did:web:<hostname>` (port percent-encoded). */
  serviceDid: string
  /** The owner's DID. */
  did: string
  handle: string
  /** Hex-encoded 32-byte secp256k1 private key. */
  signingKeyHex: string
  password: string
  jwtSecret: string
  authToken: string | null
}

const HOSTNAME_RE = /^[a-z0-9.-]+(:\d{1,5})?$/i

const isLoopback = (hostname: string): boolean => /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(hostname)

/** `did:web` for a hostname; a port is percent-encoded as the did:web method requires. */
export const didWebFor = (hostname: string): string => `did:web:${hostname.replace(':', '%3A')}`

const missing = (name: string) =>
  err('InvalidConfig', `The setting ${name} is missing: set it in wrangler.toml [vars] or as a secret`)

/** Parses and validates the configuration; every problem names the setting it concerns. */
export function parseConfig(env: RawConfigEnv): Result<Config, 'InvalidConfig'> {
  const hostname = env.PDS_HOSTNAME?.trim()
  if (!hostname) return missing('PDS_HOSTNAME')
  if (!HOSTNAME_RE.test(hostname)) return err('InvalidConfig', `PDS_HOSTNAME is not a host name: ${hostname}`)

  const did = env.DID?.trim()
  if (!did) return missing('DID')
  try {
    ensureValidDid(did)
  } catch {
    return err('InvalidConfig', `DID is not a valid DID: ${did}`)
  }
  if (!did.startsWith('did:web:') && !did.startsWith('did:plc:')) {
    return err('InvalidConfig', 'DID must be a did:web or did:plc')
  }

  const handle = env.HANDLE?.trim().toLowerCase()
  if (!handle) return missing('HANDLE')
  try {
    ensureValidHandle(handle)
  } catch {
    return err('InvalidConfig', `HANDLE is not a valid handle: ${handle}`)
  }

  const signingKeyHex = env.SIGNING_KEY?.trim().toLowerCase()
  if (!signingKeyHex) return missing('SIGNING_KEY')
  if (!/^[0-9a-f]{64}$/.test(signingKeyHex)) {
    return err(
      'InvalidConfig',
      'SIGNING_KEY must be a hex-encoded 32-byte secp256k1 private key (64 hex characters)',
    )
  }

  const password = env.PASSWORD
  if (!password) return missing('PASSWORD')
  const jwtSecret = env.JWT_SECRET
  if (!jwtSecret) return missing('JWT_SECRET')
  if (jwtSecret.length < 16) return err('InvalidConfig', 'JWT_SECRET must be at least 16 characters long')

  return ok({
    hostname,
    publicUrl: `${isLoopback(hostname) ? 'http' : 'https'}://${hostname}`,
    serviceDid: didWebFor(hostname),
    did,
    handle,
    signingKeyHex,
    password,
    jwtSecret,
    authToken: env.AUTH_TOKEN ? env.AUTH_TOKEN : null,
  })
}
