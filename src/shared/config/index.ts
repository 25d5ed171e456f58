import { ok } from '../result'
import { type BackupConfig, parseBackups } from './backups'
import { type FirehoseLimits, parseFirehoseLimits } from './firehose'
import { isLoopbackHost, parseIdentity } from './identity'
import { type Limits, parseLimits } from './limits'
import { type LogFormat, parseLogFormat } from './logging'
import { type MigrationConfig, parseMigration } from './migration'
import { type PlcConfig, parsePlc } from './plc'
import { type ProxyConfig, parseProxy } from './proxy'
import { parseServerInfo, type ServerInfoConfig } from './server'
import { allOk, type ConfigResult, listSetting, numberSetting, positiveInteger } from './values'

export type { BackupConfig } from './backups'
export { didWebFor, isLoopbackHost } from './identity'
export type { LogFormat } from './logging'
export type { ProxyConfig } from './proxy'
export type { ServiceRef } from './values'

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
  FIREHOSE_SHARD_FILL?: string
  BLOB_UPLOAD_LIMIT?: string
  BLOB_GRACE_HOURS?: string
  BACKUP_EVERY_HOURS?: string
  BACKUP_KEEP?: string
  APPVIEW_DID?: string
  APPVIEW_URL?: string
  CHAT_DID?: string
  CHAT_URL?: string
  PLC_URL?: string
  PLC_ROTATION_KEY?: string
  PROXY_TIMEOUT_MS?: string
  PROXY_ALLOW_INSECURE?: string
  LOGIN_LIMIT_FAILURES?: string
  LOGIN_LIMIT_ATTEMPTS?: string
  LOGIN_LIMIT_GLOBAL?: string
  WRITE_LIMIT_RECORDS?: string
  WRITE_LIMIT_BLOB_BYTES?: string
  OAUTH_LIMIT_REQUESTS?: string
  REPO_IMPORT_LIMIT?: string
  PRIVACY_POLICY_URL?: string
  TERMS_OF_SERVICE_URL?: string
  CONTACT_EMAIL?: string
  LOG_FORMAT?: string
}

/** Keep firehose events at least this long and at least this many (both must be exceeded to prune). */
export type RetentionPolicy = { maxAgeMs: number; minEvents: number }

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
  /** What one firehose client may cost (`FIREHOSE_*` limits, firehose.ts). */
  firehose: FirehoseLimits
  /** Largest blob upload, in bytes. */
  blobUploadLimit: number
  /** How long an unreferenced upload is kept, in ms. */
  blobGraceMs: number
  /** Scheduled repo snapshots into R2 (backups.ts). */
  backups: BackupConfig
  proxy: ProxyConfig
  /** Login and write abuse limits (limits.ts). */
  limits: Limits
  /** Account migration settings (migration.ts). */
  migration: MigrationConfig
  /** Operator links and contact for `describeServer` (server.ts). */
  server: ServerInfoConfig
  /** The PDS's PLC rotation key (plc.ts). */
  plc: PlcConfig
  /** How log lines are written (logging.ts). */
  logFormat: LogFormat
}

export const DEFAULT_RETENTION: RetentionPolicy = { maxAgeMs: 72 * 3_600_000, minEvents: 10_000 }
export const DEFAULT_SUBSCRIBER_SHARDS = 8
export const DEFAULT_BLOB_UPLOAD_LIMIT = 104_857_600
export const DEFAULT_BLOB_GRACE_HOURS = 6

/** Parses and validates every setting; a problem names the setting it concerns. */
export function parseConfig(env: RawSettings): ConfigResult<Config> {
  const identity = parseIdentity(env)
  if (!identity.ok) return identity
  const { hostname } = identity.value

  const parts = allOk({
    hours: numberSetting(
      'FIREHOSE_RETENTION_HOURS',
      env.FIREHOSE_RETENTION_HOURS,
      72,
      (n) => n > 0,
      'a positive number of hours',
    ),
    minEvents: numberSetting(
      'FIREHOSE_RETENTION_MIN_EVENTS',
      env.FIREHOSE_RETENTION_MIN_EVENTS,
      DEFAULT_RETENTION.minEvents,
      (n) => Number.isSafeInteger(n) && n >= 0,
      'a whole number of events',
    ),
    shards: numberSetting(
      'SUBSCRIBER_SHARDS',
      env.SUBSCRIBER_SHARDS,
      DEFAULT_SUBSCRIBER_SHARDS,
      positiveInteger,
      'a positive whole number',
    ),
    uploadLimit: numberSetting(
      'BLOB_UPLOAD_LIMIT',
      env.BLOB_UPLOAD_LIMIT,
      DEFAULT_BLOB_UPLOAD_LIMIT,
      positiveInteger,
      'a positive number of bytes',
    ),
    graceHours: numberSetting(
      'BLOB_GRACE_HOURS',
      env.BLOB_GRACE_HOURS,
      DEFAULT_BLOB_GRACE_HOURS,
      (n) => n > 0,
      'a positive number of hours',
    ),
    backups: parseBackups(env),
    proxy: parseProxy(env, hostname),
    firehose: parseFirehoseLimits(env),
    limits: parseLimits(env),
    migration: parseMigration(env),
    server: parseServerInfo(env),
    plc: parsePlc(env, identity.value.did),
    logFormat: parseLogFormat(env, hostname),
  })
  if (!parts.ok) return parts
  const p = parts.value

  return ok({
    ...identity.value,
    // RELAYS set (even empty) wins; otherwise the main relay, except for a loopback host.
    relays:
      env.RELAYS !== undefined
        ? listSetting(env.RELAYS)
        : isLoopbackHost(hostname)
          ? []
          : ['https://bsky.network'],
    retention: { maxAgeMs: p.hours * 3_600_000, minEvents: p.minEvents },
    subscriberShards: p.shards,
    firehose: p.firehose,
    blobUploadLimit: p.uploadLimit,
    blobGraceMs: Math.round(p.graceHours * 3_600_000),
    backups: p.backups,
    proxy: p.proxy,
    limits: p.limits,
    migration: p.migration,
    server: p.server,
    plc: p.plc,
    logFormat: p.logFormat,
  })
}
