import type { Config } from '../shared/config'
import { invalidRequest } from '../shared/xrpc-error'

/**
 * Checks that `repo` (a DID or handle) names the owner of this single-user PDS.
 * Sync methods answer `RepoNotFound`, repo methods `InvalidRequest`, as the reference does.
 */
export function assertOwnerRepo(
  config: Config,
  repo: string,
  errorName: 'RepoNotFound' | 'InvalidRequest',
): void {
  if (repo === config.did || repo.toLowerCase() === config.handle) return
  throw invalidRequest(`Could not find repo: ${repo}`, errorName)
}
