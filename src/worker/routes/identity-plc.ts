import * as plc from '@did-plc/lib'
import { invalidRequest } from '../../shared/xrpc-error'
import { callerPermissions } from '../auth/permissions/permissions'
import { readJsonBody } from '../body'
import { operationProblem, recommendedCredentials } from '../identity/did-credentials'
import { PlcDirectory } from '../identity/plc-directory'
import type { XrpcContext, XrpcMethods } from '../xrpc-context'

/** Refuses (400) unless the owner is a did:plc: a did:web has no PLC log. */
export function assertPlcDid(ctx: XrpcContext): void {
  if (!ctx.config.did.startsWith('did:plc:'))
    throw invalidRequest(`${ctx.config.did} is not a did:plc: it has no PLC operations`)
}

/**
 * Moving in, identity part (spec: account migration): the credentials the DID document
 * must carry for this PDS (`getRecommendedDidCredentials`), and forwarding the operation
 * the old PDS (or the owner's own rotation key) signed to the PLC directory
 * (`submitPlcOperation`), after checking that it names this PDS, our key and the
 * handle; relays then learn of it from `#identity`.
 */
export const identityPlcMethods: XrpcMethods = {
  'com.atproto.identity.getRecommendedDidCredentials': {
    type: 'query',
    auth: 'owner',
    handler: async ({ config }) => recommendedCredentials(config, config.handle),
  },
  'com.atproto.identity.submitPlcOperation': {
    type: 'procedure',
    auth: 'owner',
    handler: async (ctx) => {
      callerPermissions(ctx.auth).assertIdentity('*')
      assertPlcDid(ctx)
      const body = await readJsonBody(ctx.req)
      const parsed = plc.def.operation.safeParse(body.operation)
      if (!parsed.success) throw invalidRequest('Invalid operation: expected a signed plc_operation')
      const problem = operationProblem(
        parsed.data,
        await recommendedCredentials(ctx.config, ctx.config.handle),
      )
      if (problem !== null) throw invalidRequest(problem)
      // The operation as signed: the schema's parse drops unknown fields, which would break the signature.
      await new PlcDirectory(ctx.config.proxy.plcUrl).submit(ctx.config.did, body.operation as plc.Operation)
      await ctx.repo.announceIdentity()
      return undefined
    },
  },
}
