import { callerPermissions } from '../auth/permissions/permissions'
import { assertDidNamesThisPds } from '../did-validity'
import type { XrpcMethods } from '../xrpc-context'

/**
 * `com.atproto.server.{de,}activateAccount`: hosting on and off. A deactivated
 * repo is refused by the sync methods (`RepoDeactivated`) and takes no writes;
 * relays learn of both changes from `#account` events. Only the owner's full
 * credentials may do this, never an app password; OAuth with `account:status?action=manage`. Activation is refused while the DID
 * document does not name this PDS and its signing key: relays would not accept its commits.
 */
export const accountMethods: XrpcMethods = {
  'com.atproto.server.deactivateAccount': {
    type: 'procedure',
    auth: 'owner',
    handler: async (ctx) => {
      callerPermissions(ctx.auth).assertAccount('status', 'manage')
      await ctx.repo.setActive(false)
      return undefined
    },
  },
  'com.atproto.server.activateAccount': {
    type: 'procedure',
    auth: 'owner',
    handler: async (ctx) => {
      callerPermissions(ctx.auth).assertAccount('status', 'manage')
      await assertDidNamesThisPds(ctx.config)
      await ctx.repo.setActive(true)
      return undefined
    },
  },
}
