import { isValidNsid } from '@atproto/syntax'
import { accountStub } from '../actors/account'
import { invalidRequest, XRPCError } from '../shared/xrpc-error'
import { confirmOwner, verifyOwnerToken } from './auth'
import { admitToMethod } from './auth/method-policy'
import { ownerConfig } from './owner-handle'
import { Params } from './params'
import { repoActor, type XrpcMethods } from './xrpc-context'

/** Handles NSIDs no local method serves (the AppView proxy); without one they are 501. */
export type XrpcFallback = (req: Request, env: Env, nsid: string) => Promise<Response>

/**
 * Dispatches `/xrpc/<nsid>` to the method registered for that NSID: checks the
 * HTTP method, runs the owner check for methods that need it, renders the output.
 * Local methods always win; other valid NSIDs go to `fallback`.
 */
export function createXrpcRouter(methods: XrpcMethods, fallback?: XrpcFallback) {
  return async function handleXrpc(req: Request, env: Env, nsid: string): Promise<Response> {
    const method = methods[nsid]
    if (!method) {
      if (!isValidNsid(nsid)) throw new XRPCError(404, 'XRPCNotSupported', 'Not a valid XRPC method name')
      if (fallback) return fallback(req, env, nsid)
      throw new XRPCError(501, 'MethodNotImplemented', `Method not implemented: ${nsid}`)
    }
    const expected = method.type === 'query' ? ['GET', 'HEAD'] : ['POST']
    if (!expected.includes(req.method)) throw invalidRequest('Incorrect HTTP method')

    // The owner's current handle (updateHandle) in place of the HANDLE setting.
    const config = await ownerConfig(env)
    const repo = repoActor(env)
    const account = accountStub(env)
    const verified = method.auth
      ? await verifyOwnerToken(req, config, {
          serviceLxm: method.auth === 'owner-or-service' ? nsid : undefined,
        })
      : null
    const params = new Params(new URL(req.url).searchParams)
    const base = { req, env, config, params, nsid, repo, account }
    let out: Response | object | undefined
    if ('metered' in method) {
      // Prepare (read and validate the input), then confirm and charge in one actor call, then run.
      const metered = await method.metered(base)
      if (!verified) throw new XRPCError(500)
      const { credential, admitted } = await confirmOwner(verified, account, metered.usage)
      out = await metered.run({ ...base, auth: admitToMethod(nsid, credential) }, admitted)
    } else {
      const auth = verified ? admitToMethod(nsid, (await confirmOwner(verified, account)).credential) : null
      out = await method.handler({ ...base, auth })
    }
    if (out instanceof Response) return out
    return out === undefined ? new Response(null, { status: 200 }) : Response.json(out)
  }
}
