import { accountStub } from '../../actors/account'
import { repoActorStub } from '../../actors/repo'
import type { Config, ProxyConfig, ServiceRef } from '../../shared/config'
import { invalidRequest, XRPCError } from '../../shared/xrpc-error'
import { confirmOwner, verifyOwnerToken } from '../auth'
import type { OwnerCredential } from '../auth/credential'
import { isProtectedMethod } from '../auth/method-policy'
import { permissionsOf } from '../auth/permissions/permissions'
import { createServiceJwt } from '../auth/service-jwt'
import { configFor } from '../config-cache'
import { threadNotFound, withReadAfterWrite } from '../read-after-write/read-after-write'
import { DidResolver } from './did-resolver'
import { checkPublicUrl } from './endpoint-policy'
import { forwardXrpc } from './forward'
import { proxyTargetFor } from './proxy-target'

let resolver: { config: ProxyConfig; resolver: DidResolver } | null = null

/** One resolver (and its DID-document cache) per isolate and proxy config. */
export function resolverFor(config: ProxyConfig): DidResolver {
  if (resolver?.config === config) return resolver.resolver
  const created = new DidResolver({
    fetch: (input, init) => fetch(input, init),
    plcUrl: config.plcUrl,
    allowInsecure: config.allowInsecure,
  })
  resolver = { config, resolver: created }
  return created
}

async function endpointOf(target: ServiceRef, config: ProxyConfig): Promise<string> {
  if (target.url !== null) return checkPublicUrl(target.url, config.allowInsecure)
  return resolverFor(config).serviceEndpoint(target.did, target.serviceId)
}

const badMethod = () => new XRPCError(400, 'InvalidToken', 'Bad token method')

/**
 * The catch-all for NSIDs this PDS does not implement: sends the call, as the owner,
 * to the service named by `atproto-proxy` or the default for its namespace, with a
 * fresh service JWT (`aud` = the bare service DID, `lxm` = the NSID). Order: target
 * (none is 501), protected methods, owner auth, then `proxyAs`.
 */
export async function proxyXrpc(req: Request, env: Env, nsid: string): Promise<Response> {
  if (!['GET', 'HEAD', 'POST'].includes(req.method)) {
    throw invalidRequest('XRPC requests only supports GET and POST')
  }
  const config = configFor(env)
  const target = proxyTargetFor(req.headers.get('atproto-proxy'), nsid, config.proxy)
  if (!target) throw new XRPCError(501, 'MethodNotImplemented', `Method not implemented: ${nsid}`)
  if (isProtectedMethod(nsid)) throw badMethod()

  const account = accountStub(env)
  const { credential } = await confirmOwner(await verifyOwnerToken(req, config), account)
  return proxyAs(credential, { req, env, nsid, config, target })
}

/**
 * Forwards for a confirmed caller once its permissions allow the call (privileged
 * methods for app passwords; `rpc:<nsid>?aud=<did#service>` for OAuth). The owner's
 * views get their writes since the upstream's rev merged in (read-after-write).
 */
export async function proxyAs(
  auth: OwnerCredential,
  call: { req: Request; env: Env; nsid: string; config: Config; target: ServiceRef },
): Promise<Response> {
  const { req, env, nsid, config, target } = call
  permissionsOf(auth).assertRpc(nsid, `${target.did}${target.serviceId}`)
  const proxyConfig = config.proxy
  const endpoint = await endpointOf(target, proxyConfig)
  const token = await createServiceJwt(config, { aud: target.did, lxm: nsid, now: Date.now() })
  const local = { req, nsid, config, repo: repoActorStub(env) }
  let res: Response
  try {
    res = await forwardXrpc({
      req,
      endpoint,
      nsid,
      token,
      fetch: (input, init) => fetch(input, init),
      timeoutMs: proxyConfig.timeoutMs,
    })
  } catch (e) {
    const found = e instanceof XRPCError ? await threadNotFound(local, e) : null
    if (found) return found
    throw e
  }
  return withReadAfterWrite(local, res)
}
