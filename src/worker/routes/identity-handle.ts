import { ensureValidHandle } from '@atproto/syntax'
import { invalidRequest } from '../../shared/xrpc-error'
import { callerPermissions } from '../auth/permissions/permissions'
import { readJsonBody } from '../body'
import { rememberHandle } from '../handle-cache'
import { rotationKeypair } from '../identity/did-credentials'
import { handleResolvesTo } from '../identity/handle-resolution'
import { PlcDirectory } from '../identity/plc-directory'
import { signHandleUpdate } from '../identity/plc-signing'
import type { XrpcMethods } from '../xrpc-context'

function validHandle(raw: unknown): string {
  const handle = typeof raw === 'string' ? raw.trim().toLowerCase() : ''
  try {
    ensureValidHandle(handle)
  } catch {
    throw invalidRequest(`Invalid handle: ${String(raw)}`, 'InvalidHandle')
  }
  return handle
}

/**
 * `com.atproto.identity.updateHandle`: the new handle must already resolve to the owner's
 * DID (a `_atproto` TXT record, looked up over DNS-over-HTTPS, or the HTTPS well-known
 * file; the PDS host itself is served here). A did:plc gets a PLC operation signed with
 * `PLC_ROTATION_KEY` that replaces the handle in `alsoKnownAs`; a did:web document is
 * served from the stored handle. The repo actor stores it and announces `#identity`.
 */
export const identityHandleMethods: XrpcMethods = {
  'com.atproto.identity.updateHandle': {
    type: 'procedure',
    auth: 'owner',
    handler: async (ctx) => {
      callerPermissions(ctx.auth).assertIdentity('handle')
      const { config } = ctx
      const handle = validHandle((await readJsonBody(ctx.req)).handle)
      if (handle !== config.hostname) {
        const resolves = await handleResolvesTo(handle, config.did, {
          fetch: (input, init) => fetch(input, init),
          allowInsecure: config.proxy.allowInsecure,
        })
        if (!resolves) {
          throw invalidRequest(
            `The handle ${handle} does not resolve to ${config.did}: add a DNS TXT record ` +
              `_atproto.${handle} with did=${config.did}, or serve it at https://${handle}/.well-known/atproto-did`,
          )
        }
      }
      if (config.did.startsWith('did:plc:')) {
        const signer = await rotationKeypair(config)
        const directory = new PlcDirectory(config.proxy.plcUrl)
        const operation = await signHandleUpdate(await directory.lastOp(config.did), signer, handle)
        await directory.submit(config.did, operation)
      }
      await ctx.repo.setHandle(handle)
      rememberHandle(handle)
      return undefined
    },
  },
}
