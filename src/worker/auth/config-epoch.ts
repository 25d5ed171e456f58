import type { Config } from '../../shared/config'
import { epochClaim, passwordEpoch } from '../../shared/session-epoch'

const cache = new WeakMap<Config, Promise<string>>()

/** The `epoch` claim of session tokens under this config's PASSWORD and JWT_SECRET, computed once per config. */
export function configEpochClaim(config: Config): Promise<string> {
  let claim = cache.get(config)
  if (!claim) {
    claim = passwordEpoch(config.password, config.jwtSecret).then(epochClaim)
    cache.set(config, claim)
  }
  return claim
}
