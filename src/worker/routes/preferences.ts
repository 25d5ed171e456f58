import type { Preference } from '../../actors/repo'
import { invalidRequest } from '../../shared/xrpc-error'
import { unwrap } from '../actor-errors'
import { callerPermissions } from '../auth/permissions/permissions'
import { readJsonBody } from '../body'
import { proxyTargetFor } from '../proxy/proxy-target'
import type { XrpcContext, XrpcMethods } from '../xrpc-context'

function preferenceList(value: unknown): Preference[] {
  if (!Array.isArray(value)) throw invalidRequest('Input must have the property "preferences"')
  return value.map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw invalidRequest('Input/preferences items must be objects')
    }
    if (typeof (item as Record<string, unknown>).$type !== 'string') {
      throw invalidRequest('Preference is missing a $type')
    }
    return item as Preference
  })
}

/**
 * The caller's permissions, once it may call this method on the AppView it addresses (the
 * `atproto-proxy` header, else the configured AppView): preferences are answered here, but
 * for OAuth they are an `rpc:` call to that AppView, as in the reference PDS.
 */
function preferencesCaller(ctx: XrpcContext) {
  const permissions = callerPermissions(ctx.auth)
  const { appView } = ctx.config.proxy
  let target = appView
  try {
    target = proxyTargetFor(ctx.req.headers.get('atproto-proxy'), ctx.nsid, ctx.config.proxy) ?? appView
  } catch {
    // A malformed header was never an error here; the configured AppView stands in.
  }
  permissions.assertRpc(ctx.nsid, `${target.did}${target.serviceId}`)
  return permissions
}

/**
 * `app.bsky.actor.getPreferences`/`putPreferences`, answered from the repo actor rather
 * than the AppView. App-password sessions and OAuth tokens neither see nor replace
 * `personalDetailsPref`.
 */
export const preferenceMethods: XrpcMethods = {
  'app.bsky.actor.getPreferences': {
    type: 'query',
    auth: 'owner',
    handler: async (ctx) => ({
      preferences: await ctx.repo.getPreferences(preferencesCaller(ctx).seesPersonalDetails()),
    }),
  },
  'app.bsky.actor.putPreferences': {
    type: 'procedure',
    auth: 'owner',
    handler: async (ctx) => {
      const personalDetails = preferencesCaller(ctx).seesPersonalDetails()
      const body = await readJsonBody(ctx.req)
      const preferences = preferenceList(body.preferences)
      unwrap(await ctx.repo.putPreferences(preferences, personalDetails))
      return undefined
    },
  },
}
