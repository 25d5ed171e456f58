import type { Config } from '../shared/config'
import { invalidRequest } from '../shared/xrpc-error'
import type { XrpcContext } from './xrpc-context'

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

/**
 * For sync reads: the owner's repo named by the `did` parameter, unless hosting is
 * deactivated (400 `RepoDeactivated`, as the reference PDS's `assertRepoAvailability`).
 */
export async function availableRepo(ctx: XrpcContext) {
  assertOwnerRepo(ctx.config, ctx.params.string('did'), 'RepoNotFound')
  const status = await ctx.repo.status()
  if (!status.active) throw invalidRequest(`Repo has been deactivated: ${status.did}`, 'RepoDeactivated')
  return status
}
