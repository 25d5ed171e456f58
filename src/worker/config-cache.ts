import { type Config, parseConfig } from '../shared/config'
import { setLogFormat } from '../shared/logger'
import { XRPCError } from '../shared/xrpc-error'

let cached: { env: Env; config: Config } | null = null

/** The validated config for this isolate; a broken setting becomes a 500 naming it. */
export function configFor(env: Env): Config {
  if (cached?.env === env) return cached.config
  const result = parseConfig(env)
  if (!result.ok) throw new XRPCError(500, 'InvalidConfig', result.message)
  cached = { env, config: result.value }
  setLogFormat(result.value.logFormat)
  return result.value
}
