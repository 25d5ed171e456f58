import type { RepoActor } from '../actors/repo/repo-actor'
import type { Config } from '../shared/config'
import type { Params } from './params'

/** What an XRPC handler gets: the request, validated config, parsed params, the repo actor. */
export type XrpcContext = {
  req: Request
  env: Env
  config: Config
  params: Params
  nsid: string
  repo: DurableObjectStub<RepoActor>
}

/** A query (GET) or procedure (POST); `auth: 'owner'` requires the owner's credentials first. */
export type XrpcMethod = {
  type: 'query' | 'procedure'
  auth?: 'owner'
  handler: (ctx: XrpcContext) => Promise<Response | object | undefined>
}

export type XrpcMethods = Record<string, XrpcMethod>

/** The single repo actor instance. */
export const repoActor = (env: Env): DurableObjectStub<RepoActor> => env.REPO.get(env.REPO.idFromName('repo'))
