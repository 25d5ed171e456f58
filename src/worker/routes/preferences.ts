import type { Preference } from '../../actors/repo'
import { invalidRequest } from '../../shared/xrpc-error'
import { unwrap } from '../actor-errors'
import { hasFullAccess } from '../auth/credential'
import { readJsonBody } from '../body'
import type { XrpcMethods } from '../xrpc-context'

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
 * `app.bsky.actor.getPreferences`/`putPreferences`, answered from the repo actor rather
 * than the AppView. App-password sessions neither see nor replace `personalDetailsPref`.
 */
export const preferenceMethods: XrpcMethods = {
  'app.bsky.actor.getPreferences': {
    type: 'query',
    auth: 'owner',
    handler: async (ctx) => ({
      preferences: await ctx.repo.getPreferences(ctx.auth !== null && hasFullAccess(ctx.auth)),
    }),
  },
  'app.bsky.actor.putPreferences': {
    type: 'procedure',
    auth: 'owner',
    handler: async (ctx) => {
      const body = await readJsonBody(ctx.req)
      const preferences = preferenceList(body.preferences)
      unwrap(await ctx.repo.putPreferences(preferences, ctx.auth !== null && hasFullAccess(ctx.auth)))
      return undefined
    },
  },
}
