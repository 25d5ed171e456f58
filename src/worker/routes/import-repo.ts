import { invalidRequest } from '../../shared/xrpc-error'
import { unwrap } from '../actor-errors'
import { callerPermissions } from '../auth/permissions/permissions'
import { ByteLimit, declaredLength, payloadTooLarge } from '../byte-limit'
import type { XrpcContext, XrpcMethods } from '../xrpc-context'

const CAR_TYPE = 'application/vnd.ipld.car'

/**
 * importRepo: the body streams through a byte limit (`REPO_IMPORT_LIMIT`) straight into
 * the repo actor, which stages, verifies and swaps it in (see `actors/repo/import`).
 * Nothing here holds the body. A stream cut by the limit fails in the actor; the limit's
 * own flag turns that into 413.
 */
async function importRepo(ctx: XrpcContext) {
  callerPermissions(ctx.auth).assertAccount('repo', 'manage')
  const type = ctx.req.headers.get('content-type') ?? ''
  if (!type.toLowerCase().startsWith(CAR_TYPE))
    throw invalidRequest(`Wrong request encoding (Content-Type): ${type || 'none'}`)
  const limit = ctx.config.migration.importLimit
  const length = declaredLength(ctx.req)
  if (length !== null && length > limit) throw payloadTooLarge(limit)
  if (!ctx.req.body) throw invalidRequest('Request body is required')
  const limiter = new ByteLimit(limit)
  let result: Awaited<ReturnType<typeof ctx.repo.importRepo>>
  try {
    result = await ctx.repo.importRepo(ctx.req.body.pipeThrough(limiter.stream))
  } catch (e) {
    if (limiter.exceeded) throw payloadTooLarge(limit)
    throw e
  }
  if (limiter.exceeded) throw payloadTooLarge(limit)
  unwrap(result)
  return undefined
}

/**
 * `com.atproto.repo.importRepo` (account migration): the owner's full credentials, or OAuth
 * with `account:repo?action=manage`.
 */
export const importRepoMethods: XrpcMethods = {
  'com.atproto.repo.importRepo': { type: 'procedure', auth: 'owner', handler: importRepo },
}
