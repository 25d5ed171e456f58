import { ok } from '../result'
import { isLoopbackHost } from './identity'
import type { RawSettings } from './index'
import {
  badSetting,
  type ConfigResult,
  isUnset,
  numberSetting,
  positiveInteger,
  type ServiceRef,
  serviceRefSetting,
  urlSetting,
} from './values'

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

const DEFAULT_PROXY_TIMEOUT_MS = 30_000

/** Where the proxy sends what; `PROXY_ALLOW_INSECURE` only for a loopback `hostname`. */
export function parseProxy(env: RawSettings, hostname: string): ConfigResult<ProxyConfig> {
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
  const allowInsecure = env.PROXY_ALLOW_INSECURE === 'true'
  if (allowInsecure && !isLoopbackHost(hostname)) {
    return badSetting(
      'PROXY_ALLOW_INSECURE',
      `is for local development only, and PDS_HOSTNAME is ${hostname}`,
    )
  }
  return ok({
    appView: appView.value,
    chat: chat.value,
    plcUrl: plcUrl.value,
    allowInsecure,
    timeoutMs: timeoutMs.value,
  })
}
