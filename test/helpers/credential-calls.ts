import { env } from 'cloudflare:test'
import { accountStub } from '../../src/actors/account'
import { repoActorStub } from '../../src/actors/repo'
import { XRPCError } from '../../src/shared/xrpc-error'
import type { OwnerCredential } from '../../src/worker/auth/credential'
import { admitToMethod } from '../../src/worker/auth/method-policy'
import { ownerConfig } from '../../src/worker/owner-handle'
import { Params } from '../../src/worker/params'
import { proxyAs } from '../../src/worker/proxy/proxy-handler'
import { proxyTargetFor } from '../../src/worker/proxy/proxy-target'
import { accountMethods } from '../../src/worker/routes/account'
import { appPasswordMethods } from '../../src/worker/routes/app-passwords'
import { blobUploadMethods } from '../../src/worker/routes/blob-upload'
import { identityHandleMethods } from '../../src/worker/routes/identity-handle'
import { identityPlcMethods } from '../../src/worker/routes/identity-plc'
import { identitySignMethods } from '../../src/worker/routes/identity-sign'
import { importRepoMethods } from '../../src/worker/routes/import-repo'
import { preferenceMethods } from '../../src/worker/routes/preferences'
import { pushMethods } from '../../src/worker/routes/push'
import { repoWriteMethods } from '../../src/worker/routes/repo-write'
import { serviceAuthMethods } from '../../src/worker/routes/service-auth'
import { sessionMethods } from '../../src/worker/routes/session'
import type { XrpcMethods } from '../../src/worker/xrpc-context'
import { BASE_URL, OWNER } from './client'

const METHODS: XrpcMethods = {
  ...repoWriteMethods,
  ...blobUploadMethods,
  ...sessionMethods,
  ...appPasswordMethods,
  ...serviceAuthMethods,
  ...preferenceMethods,
  ...accountMethods,
  ...importRepoMethods,
  ...identityPlcMethods,
  ...identitySignMethods,
  ...identityHandleMethods,
  ...pushMethods,
}

/** An OAuth credential as the OAuth server hands it to the routes, with `scope` granted. */
export const oauthCredential = (scope: string): OwnerCredential => ({
  type: 'oauth',
  did: OWNER.did,
  scope,
  clientId: 'https://client.example/client-metadata.json',
  grantId: 'grant-under-test',
})

export type CallInit = { query?: Record<string, string>; body?: BodyInit; headers?: Record<string, string> }

function requestFor(nsid: string, method: string, init: CallInit): Request {
  const url = new URL(`/xrpc/${nsid}`, BASE_URL)
  for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, v)
  return new Request(url, { method, headers: init.headers, body: method === 'GET' ? undefined : init.body })
}

const rendered = async (run: () => Promise<Response | object | undefined>): Promise<Response> => {
  try {
    const out = await run()
    if (out instanceof Response) return out
    return out === undefined ? new Response(null, { status: 200 }) : Response.json(out)
  } catch (e) {
    if (e instanceof XRPCError) return e.toResponse()
    throw e
  }
}

/**
 * Calls a local method as the XRPC router does once a request's credential is confirmed
 * (`admitToMethod`, then the handler, or a metered method's prepare and run), with `cred`
 * given directly. It stands in for the DPoP token check only: every permission decision
 * after it is the real code. (The OAuth server's branch brings real tokens.)
 */
export function callAsCredential(
  cred: OwnerCredential,
  nsid: string,
  init: CallInit = {},
): Promise<Response> {
  const method = METHODS[nsid]
  if (!method) throw new Error(`no local method ${nsid} in the harness`)
  return rendered(async () => {
    const req = requestFor(nsid, method.type === 'query' ? 'GET' : 'POST', init)
    const base = {
      req,
      env,
      config: await ownerConfig(env),
      params: new Params(new URL(req.url).searchParams),
      nsid,
      repo: repoActorStub(env),
      account: accountStub(env),
    }
    const auth = admitToMethod(nsid, cred)
    if ('metered' in method) {
      const metered = await method.metered(base)
      return metered.run({ ...base, auth }, { appPassword: null, quotaKey: 'static' })
    }
    return method.handler({ ...base, auth })
  })
}

/** A call the PDS proxies (AppView, chat, `atproto-proxy`), made as `cred` after owner auth. */
export function proxyAsCredential(
  cred: OwnerCredential,
  nsid: string,
  init: CallInit = {},
): Promise<Response> {
  return rendered(async () => {
    const req = requestFor(nsid, init.body === undefined ? 'GET' : 'POST', init)
    const config = await ownerConfig(env)
    const target = proxyTargetFor(req.headers.get('atproto-proxy'), nsid, config.proxy)
    if (!target) throw new Error(`nothing proxies ${nsid}`)
    return proxyAs(cred, { req, env, nsid, config, target })
  })
}
