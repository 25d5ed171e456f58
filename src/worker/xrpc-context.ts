import type { AccountActor, Admitted, Usage } from '../actors/account'
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

/** What a metered method's first step sees: everything but the not yet confirmed caller. */
export type PreparingContext = Omit<XrpcContext, 'auth'>

export type XrpcOutput = Response | object | undefined

/**
 * A metered method's input, read and validated, with the quota it uses; `run` performs
 * it once the account actor admitted the caller and charged `usage`.
 */
export type Metered = {
  usage: Usage
  run: (ctx: XrpcContext, admitted: Admitted) => Promise<XrpcOutput>
}

/**
 * A query (GET) or procedure (POST). `auth: 'owner'` requires the owner's credentials
 * first; `'owner-or-service'` also accepts a service JWT the owner signed for this
 * PDS with `lxm` = this method (e.g. uploadBlob called by the video service).
 *
 * A metered method (record writes, blob uploads) has `metered` instead of `handler`:
 * it prepares the call, the router confirms the caller and charges the usage in one
 * account-actor call, then runs it. Nothing runs before the caller is confirmed.
 */
export type XrpcMethod =
  | {
      type: 'query' | 'procedure'
      auth?: 'owner' | 'owner-or-service'
      handler: (ctx: XrpcContext) => Promise<XrpcOutput>
    }
  | {
      type: 'query' | 'procedure'
      auth: 'owner' | 'owner-or-service'
      metered: (ctx: PreparingContext) => Promise<Metered>
    }

export type XrpcMethods = Record<string, XrpcMethod>

/** The single repo actor instance. */
export { repoActorStub as repoActor } from '../actors/repo'
