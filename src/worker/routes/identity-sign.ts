import { invalidRequest } from '../../shared/xrpc-error'
import { unwrap } from '../actor-errors'
import { callerPermissions } from '../auth/permissions/permissions'
import { readJsonBody } from '../body'
import { rotationKeypair } from '../identity/did-credentials'
import { PlcDirectory } from '../identity/plc-directory'
import { requestedChanges, signUpdate } from '../identity/plc-signing'
import type { XrpcContext, XrpcMethods } from '../xrpc-context'
import { assertPlcDid } from './identity-plc'

/** The NSID of the owner-only method that hands out the pending token (this PDS sends no email). */
export const PLC_TOKEN_NSID = 'dev.edgepds.identity.getPlcOperationToken'

function assertCanSign(ctx: XrpcContext): void {
  callerPermissions(ctx.auth).assertIdentity('*')
  assertPlcDid(ctx)
}

/**
 * Moving out, identity part: the new PDS asks the owner to have this one sign a PLC
 * operation naming it. `requestPlcOperationSignature` issues a single-use token valid
 * for 15 minutes (the account actor's plc-tokens.ts); where the reference emails it, the
 * owner reads it with `dev.edgepds.identity.getPlcOperationToken` (or `npm run
 * plc-token`); `signPlcOperation` with it signs the requested changes with
 * `PLC_ROTATION_KEY` on top of the directory's last operation. All three need the main
 * password or `AUTH_TOKEN` (an app password is refused), or OAuth with `identity:*`.
 */
export const identitySignMethods: XrpcMethods = {
  'com.atproto.identity.requestPlcOperationSignature': {
    type: 'procedure',
    auth: 'owner',
    handler: async (ctx) => {
      assertCanSign(ctx)
      await rotationKeypair(ctx.config)
      await ctx.account.issuePlcToken()
      return undefined
    },
  },
  [PLC_TOKEN_NSID]: {
    type: 'query',
    auth: 'owner',
    handler: async (ctx) => {
      assertCanSign(ctx)
      const pending = await ctx.account.pendingPlcToken()
      if (!pending)
        throw invalidRequest('No PLC operation token is pending: call requestPlcOperationSignature first')
      return { token: pending.token, expiresAt: new Date(pending.expiresAt).toISOString() }
    },
  },
  'com.atproto.identity.signPlcOperation': {
    type: 'procedure',
    auth: 'owner',
    handler: async (ctx) => {
      assertCanSign(ctx)
      const body = await readJsonBody(ctx.req)
      const changes = requestedChanges(body)
      const signer = await rotationKeypair(ctx.config)
      if (typeof body.token !== 'string' || body.token === '')
        throw invalidRequest('A token is required to sign PLC operations: call requestPlcOperationSignature')
      // The log first (it is public): an unreachable directory does not use up the token.
      const last = await new PlcDirectory(ctx.config.proxy.plcUrl).lastOp(ctx.config.did)
      unwrap(await ctx.account.usePlcToken(body.token))
      return { operation: await signUpdate(last, signer, changes) }
    },
  },
}
