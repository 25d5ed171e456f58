import { ensureValidDid } from '@atproto/syntax'
import { XRPCError } from '../../shared/xrpc-error'

/** A service named as `did#service_id`, optionally with a known endpoint that skips resolution. */
export type ServiceRef = { did: string; serviceId: string; url: string | null }

/** Where the proxy sends what, read from the environment (all optional). */
export type ProxyConfig = {
  /** Default target of `app.bsky.*` (`APPVIEW_DID`, `APPVIEW_URL`). */
  appView: ServiceRef
  /** Default target of `chat.bsky.*` (`CHAT_DID`, `CHAT_URL`). */
  chat: ServiceRef
  /** did:plc directory (`PLC_URL`). */
  plcUrl: string
  /** `PROXY_ALLOW_INSECURE=true`: allow http and loopback/private targets, for local development. */
  allowInsecure: boolean
  /** How long to wait for an upstream's response headers (`PROXY_TIMEOUT_MS`, default 30 s). */
  timeoutMs: number
}

/** Env settings this module reads; declared in `src/env.d.ts`. */
export type ProxyEnv = {
  APPVIEW_DID?: string
  APPVIEW_URL?: string
  CHAT_DID?: string
  CHAT_URL?: string
  PLC_URL?: string
  PROXY_ALLOW_INSECURE?: string
  PROXY_TIMEOUT_MS?: string
}

const canParse = (url: string): boolean => {
  try {
    new URL(url)
    return true
  } catch {
    return false
  }
}

const badSetting = (name: string, message: string) =>
  new XRPCError(500, 'InvalidConfig', `The setting ${name} is invalid: ${message}`)

function serviceRef(name: string, value: string, fallbackId: string, url: string | undefined): ServiceRef {
  const [did = '', serviceId, ...rest] = value.trim().split('#')
  try {
    ensureValidDid(did)
  } catch {
    throw badSetting(name, `not a DID: ${did}`)
  }
  if (rest.length > 0 || serviceId === '') throw badSetting(name, 'expected did or did#service_id')
  if (url !== undefined && url.trim() !== '' && !canParse(url.trim())) throw badSetting(`${name}'s URL`, url)
  const known = url?.trim() ? url.trim().replace(/\/+$/, '') : null
  return { did, serviceId: `#${serviceId ?? fallbackId}`, url: known }
}

/** Parses the proxy settings; a broken one is a 500 naming it. */
export function parseProxyConfig(env: ProxyEnv): ProxyConfig {
  const plcUrl = (env.PLC_URL?.trim() || 'https://plc.directory').replace(/\/+$/, '')
  if (!canParse(plcUrl)) throw badSetting('PLC_URL', plcUrl)
  const timeoutMs = env.PROXY_TIMEOUT_MS ? Number(env.PROXY_TIMEOUT_MS) : 30_000
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
    throw badSetting('PROXY_TIMEOUT_MS', String(env.PROXY_TIMEOUT_MS))
  return {
    appView: serviceRef(
      'APPVIEW_DID',
      env.APPVIEW_DID || 'did:web:api.bsky.app',
      'bsky_appview',
      env.APPVIEW_URL,
    ),
    chat: serviceRef('CHAT_DID', env.CHAT_DID || 'did:web:api.bsky.chat', 'bsky_chat', env.CHAT_URL),
    plcUrl,
    allowInsecure: env.PROXY_ALLOW_INSECURE === 'true',
    timeoutMs,
  }
}

let cached: { env: ProxyEnv; config: ProxyConfig } | null = null

/** The proxy settings of this isolate, parsed once per `env`. */
export function proxyConfigFor(env: ProxyEnv): ProxyConfig {
  if (cached?.env === env) return cached.config
  const config = parseProxyConfig(env)
  cached = { env, config }
  return config
}
