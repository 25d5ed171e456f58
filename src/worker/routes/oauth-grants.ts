import { invalidRequest } from '../../shared/xrpc-error'
import { assertFullAccess } from '../auth/credential'
import { readJsonBody } from '../body'
import { authorizationFlow } from '../oauth/flow'
import type { XrpcMethods } from '../xrpc-context'

/**
 * The apps the owner authorized over OAuth (this PDS's own namespace; there is no
 * standard method): list them and revoke one. Full access only, never an OAuth token.
 */
export const oauthGrantMethods: XrpcMethods = {
  'dev.edgepds.oauth.listGrants': {
    type: 'query',
    auth: 'owner',
    handler: async (ctx) => {
      assertFullAccess(ctx.auth)
      return { grants: await authorizationFlow(ctx.env, ctx.config).listGrants() }
    },
  },
  'dev.edgepds.oauth.revokeGrant': {
    type: 'procedure',
    auth: 'owner',
    handler: async (ctx) => {
      assertFullAccess(ctx.auth)
      const body = await readJsonBody(ctx.req)
      if (typeof body.grantId !== 'string' || body.grantId === '')
        throw invalidRequest('Input must have the property "grantId"')
      await authorizationFlow(ctx.env, ctx.config).revokeGrant(body.grantId)
      return undefined
    },
  },
}
