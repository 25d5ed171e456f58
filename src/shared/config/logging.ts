import { ok } from '../result'
import { isLoopbackHost } from './identity'
import type { RawSettings } from './index'
import { badSetting, type ConfigResult, isUnset } from './values'

/** `json`: one JSON object a line, for Workers Logs; `text`: a readable line, for a terminal. */
export type LogFormat = 'json' | 'text'

/**
 * `LOG_FORMAT`, or by default `text` under local dev (a loopback `PDS_HOSTNAME`) and `json`
 * everywhere else.
 */
export function parseLogFormat(
  env: Pick<RawSettings, 'LOG_FORMAT'>,
  hostname: string,
): ConfigResult<LogFormat> {
  if (isUnset(env.LOG_FORMAT)) return ok(isLoopbackHost(hostname) ? 'text' : 'json')
  const value = env.LOG_FORMAT.trim().toLowerCase()
  if (value === 'json' || value === 'text') return ok(value)
  return badSetting('LOG_FORMAT', `expected json or text, got ${env.LOG_FORMAT}`)
}
