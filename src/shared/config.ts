import { ensureValidDid, ensureValidHandle } from '@atproto/syntax'
import { type FirehoseLimits, parseFirehoseLimits } from './config-firehose'
import { type Limits, parseLimits } from './config-limits'
import { type MigrationConfig, parseMigration } from './config-migration'
import { parseServerInfo, type ServerInfoConfig } from './config-server'
import {
  badSetting,
  type ConfigResult,
  isUnset,
  listSetting,
  missingSetting,
  numberSetting,
  positiveInteger,
  type ServiceRef,
  serviceRefSetting,
  urlSetting,
} from './config-values'
import { ok } from './result'

export type { ServiceRef } from './config-values'

/**
 * Every setting of this PDS, as Wrangler passes it (vars and secrets are strings). This is
 * the one list: `src/env.d.ts` types `env` from it and `parseConfig` below reads it.
 */
export type RawSettings = {
  PDS_HOSTNAME?: string
  DID?: string
  HANDLE?: string
  SIGNING_KEY?: string
  PASSWORD?: string
  JWT_SECRET?: string
  AUTH_TOKEN?: string
  EMAIL?: string
  RELAYS?: string
  FIREHOSE_RETENTION_HOURS?: string
  FIREHOSE_RETENTION_MIN_EVENTS?: string
  SUBSCRIBER_SHARDS?: string
  FIREHOSE_MAX_SOCKETS_PER_IP?: string
  FIREHOSE_MAX_SOCKETS_PER_SHARD?: string
  FIREHOSE_SOCKET_BYTES_PER_SEC?: string
  FIREHOSE_SOCKET_BURST_BYTES?: string
  FIREHOSE_SLOW_GRACE_SECONDS?: string
  BLOB_UPLOAD_LIMIT?: string
  BLOB_GRACE_HOURS?: string
  APPVIEW_DID?: string
  APPVIEW_URL?: string
  CHAT_DID?: string
  CHAT_URL?: string
  PLC_URL?: string
  PROXY_TIMEOUT_MS?: string
  PROXY_ALLOW_INSECURE?: string
  LOGIN_LIMIT_FAILURES?: string
  LOGIN_LIMIT_ATTEMPTS?: string
  LOGIN_LIMIT_GLOBAL?: string
  WRITE_LIMIT_RECORDS?: string
  WRITE_LIMIT_BLOB_BYTES?: string
  REPO_IMPORT_LIMIT?: string
  PRIVACY_POLICY_URL?: string
  TERMS_OF_SERVICE_URL?: string
  CONTACT_EMAIL?: string
}

/** Keep firehose events at least this long and at least this many (both must be exceeded to prune). */
export type RetentionPolicy = { maxAgeMs: number; minEvents: number }

/** Where the proxy sends what. */
export type ProxyConfig = {
  /** Default target of `app.bsky.*` (`APPVIEW_DID`, `APPVIEW_URL`). */
  appView: ServiceRef
  /** Default target of `chat.bsky.*` (`CHAT_DID`, `CHAT_URL`). */
  chat: ServiceRef
  /** did:plc directory (`PLC_URL`). */
  plcUrl: string
  /** `PROXY_ALLOW_INSECURE=true`: allow http and loopback/private targets, for local development. */
  allowInsecure: boolean
  /** How long to wait for an upstream's response headers (`PROXY_TIMEOUT_MS`). */
  timeoutMs: number
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
  /** The owner's email address (`EMAIL`), reported confirmed; null when not set. */
  email: string | null
  /** Relays to call `requestCrawl` on. */
  relays: string[]
  retention: RetentionPolicy
  subscriberShards: number
  /** What one firehose client may cost (`FIREHOSE_*` limits, `config-firehose.ts`). */
  firehose: FirehoseLimits
  /** Largest blob upload, in bytes. */
  blobUploadLimit: number
  /** How long an unreferenced upload is kept, in ms. */
  blobGraceMs: number
  proxy: ProxyConfig
  /** Login and write abuse limits (config-limits.ts). */
  limits: Limits
  /** Account migration settings (`config-migration.ts`). */
  migration: MigrationConfig
  /** Operator links and contact for `describeServer` (config-server.ts). */
  server: ServerInfoConfig
}

export const DEFAULT_RETENTION: RetentionPolicy = { maxAgeMs: 72 * 3_600_000, minEvents: 10_000 }
export const DEFAULT_SUBSCRIBER_SHARDS = 8
export const DEFAULT_BLOB_UPLOAD_LIMIT = 104_857_600
export const DEFAULT_BLOB_GRACE_HOURS = 6
const DEFAULT_PROXY_TIMEOUT_MS = 30_000

const HOSTNAME_RE = /^[a-z0-9.-]+(:\d{1,5})?$/i

export const isLoopbackHost = (hostname: string): boolean =>
  /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(hostname)

/** `did:web` for a hostname; a port is percent-encoded as the did:web method requires. */
export const didWebFor = (hostname: string): string => `did:web:${hostname.replace(':', '%3A')}`

/** Parses and validates every setting; a problem names the setting it concerns. */
export function parseConfig(env: RawSettings): ConfigResult<Config> {
  const identity = parseIdentity(env)
  if (!identity.ok) return identity
  const { hostname } = identity.value

  const hours = numberSetting(
    'FIREHOSE_RETENTION_HOURS',
    env.FIREHOSE_RETENTION_HOURS,
    72,
    (n) => n > 0,
    'a positive number of hours',
  )
  if (!hours.ok) return hours
  const minEvents = numberSetting(
    'FIREHOSE_RETENTION_MIN_EVENTS',
    env.FIREHOSE_RETENTION_MIN_EVENTS,
    DEFAULT_RETENTION.minEvents,
    (n) => Number.isSafeInteger(n) && n >= 0,
    'a whole number of events',
  )
  if (!minEvents.ok) return minEvents
  const shards = numberSetting(
    'SUBSCRIBER_SHARDS',
    env.SUBSCRIBER_SHARDS,
    DEFAULT_SUBSCRIBER_SHARDS,
    positiveInteger,
    'a positive whole number',
  )
  if (!shards.ok) return shards
  const uploadLimit = numberSetting(
    'BLOB_UPLOAD_LIMIT',
    env.BLOB_UPLOAD_LIMIT,
    DEFAULT_BLOB_UPLOAD_LIMIT,
    positiveInteger,
    'a positive number of bytes',
  )
  if (!uploadLimit.ok) return uploadLimit
  const graceHours = numberSetting(
    'BLOB_GRACE_HOURS',
    env.BLOB_GRACE_HOURS,
    DEFAULT_BLOB_GRACE_HOURS,
    (n) => n > 0,
    'a positive number of hours',
  )
  if (!graceHours.ok) return graceHours
  const proxy = parseProxy(env)
  if (!proxy.ok) return proxy
  const migration = parseMigration(env)
  if (!migration.ok) return migration
  const server = parseServerInfo(env)
  if (!server.ok) return server
  if (proxy.value.allowInsecure && !isLoopbackHost(hostname)) {
    return badSetting(
      'PROXY_ALLOW_INSECURE',
      `is for local development only, and PDS_HOSTNAME is ${hostname}`,
    )
  }
  const firehose = parseFirehoseLimits(env)
  if (!firehose.ok) return firehose
  const limits = parseLimits(env)
  if (!limits.ok) return limits

  return ok({
    ...identity.value,
    // RELAYS set (even empty) wins; otherwise the main relay, except for a loopback host.
    relays:
      env.RELAYS !== undefined
        ? listSetting(env.RELAYS)
        : isLoopbackHost(hostname)
          ? []
          : ['https://bsky.network'],
    retention: { maxAgeMs: hours.value * 3_600_000, minEvents: minEvents.value },
    subscriberShards: shards.value,
    firehose: firehose.value,
    blobUploadLimit: uploadLimit.value,
    blobGraceMs: Math.round(graceHours.value * 3_600_000),
    proxy: proxy.value,
    limits: limits.value,
    migration: migration.value,
    server: server.value,
  })
}

type Identity = Pick<
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

function parseIdentity(env: RawSettings): ConfigResult<Identity> {
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

function parseProxy(env: RawSettings): ConfigResult<ProxyConfig> {
  const plcUrl = urlSetting('PLC_URL', isUnset(env.PLC_URL) ? 'https://plc.directory' : env.PLC_URL.trim())
  if (!plcUrl.ok) return plcUrl
  const timeoutMs = numberSetting(
    'PROXY_TIMEOUT_MS',
    env.PROXY_TIMEOUT_MS,
    DEFAULT_PROXY_TIMEOUT_MS,
    positiveInteger,
    'a positive number of milliseconds',
  )
  if (!timeoutMs.ok) return timeoutMs
  const appView = serviceRefSetting(
    'APPVIEW_DID',
    env.APPVIEW_DID || 'did:web:api.bsky.app',
    'bsky_appview',
    env.APPVIEW_URL,
  )
  if (!appView.ok) return appView
  const chat = serviceRefSetting(
    'CHAT_DID',
    env.CHAT_DID || 'did:web:api.bsky.chat',
    'bsky_chat',
    env.CHAT_URL,
  )
  if (!chat.ok) return chat
  return ok({
    appView: appView.value,
    chat: chat.value,
    plcUrl: plcUrl.value,
    allowInsecure: env.PROXY_ALLOW_INSECURE === 'true',
    timeoutMs: timeoutMs.value,
  })
}
