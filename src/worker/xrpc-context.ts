import type { AccountActor } from '../actors/account'
import type { RepoActor } from '../actors/repo'
import type { Config } from '../shared/config'
import type { OwnerCredential } from './auth/credential'
import type { Params } from './params'

/**
 * What an XRPC handler gets: the request, validated config, parsed params, the repo and
 * account actors, and the caller's credential for methods with `auth` (null for public methods).
 */
export type XrpcContext = {
  req: Request
  env: Env
  config: Config
  params: Params
  nsid: string
  repo: DurableObjectStub<RepoActor>
  account: DurableObjectStub<AccountActor>
  auth: OwnerCredential | null
}

/**
 * A query (GET) or procedure (POST). `auth: 'owner'` requires the owner's credentials
 * first; `'owner-or-service'` also accepts a service JWT the owner signed for this
 * PDS with `lxm` = this method (e.g. uploadBlob called by the video service).
 */
export type XrpcMethod = {
  type: 'query' | 'procedure'
  auth?: 'owner' | 'owner-or-service'
  handler: (ctx: XrpcContext) => Promise<Response | object | undefined>
}

export type XrpcMethods = Record<string, XrpcMethod>

/** The single repo actor instance. */
export { repoActorStub as repoActor } from '../actors/repo'
