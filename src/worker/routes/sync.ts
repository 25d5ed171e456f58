import { isValidTid } from '@atproto/syntax'
import { invalidRequest } from '../../shared/xrpc-error'
import { unwrap } from '../actor-errors'
import { assertOwnerRepo, availableRepo } from '../owner-repo'
import { assertCollection, assertRecordKey } from '../record-prep'
import type { XrpcContext, XrpcMethods } from '../xrpc-context'

const CAR_TYPE = 'application/vnd.ipld.car'

const carResponse = (body: ReadableStream<Uint8Array> | Uint8Array) =>
  new Response(body, { headers: { 'content-type': CAR_TYPE } })

/** Every sync method takes `did`; this PDS hosts exactly one. */
function ownerDid(ctx: XrpcContext): void {
  assertOwnerRepo(ctx.config, ctx.params.string('did'), 'RepoNotFound')
}

const statusField = (status: string | null) => (status ? { status } : {})

/** `com.atproto.sync.*` reads (no auth; relays and AppViews call these). */
export const syncMethods: XrpcMethods = {
  'com.atproto.sync.getRepo': {
    type: 'query',
    handler: async (ctx) => {
      await availableRepo(ctx)
      const since = ctx.params.optionalString('since') ?? null
      if (since !== null && !isValidTid(since)) throw invalidRequest(`Invalid since: ${since}`)
      return carResponse(await ctx.repo.exportCar(since))
    },
  },
  'com.atproto.sync.getRecord': {
    type: 'query',
    handler: async (ctx) => {
      await availableRepo(ctx)
      const collection = assertCollection(ctx.params.string('collection'))
      const rkey = assertRecordKey(ctx.params.string('rkey'))
      return carResponse(await ctx.repo.recordProof(collection, rkey))
    },
  },
  'com.atproto.sync.getBlocks': {
    type: 'query',
    handler: async (ctx) => {
      await availableRepo(ctx)
      const cids = ctx.params.strings('cids')
      if (cids.length === 0) throw invalidRequest('Error: Params must have the property "cids"')
      return carResponse(unwrap(await ctx.repo.getBlocks(cids)))
    },
  },
  'com.atproto.sync.getLatestCommit': {
    type: 'query',
    handler: async (ctx) => {
      const status = await availableRepo(ctx)
      return { cid: status.head, rev: status.rev }
    },
  },
  'com.atproto.sync.getRepoStatus': {
    type: 'query',
    handler: async (ctx) => {
      ownerDid(ctx)
      const status = await ctx.repo.status()
      return { did: status.did, active: status.active, ...statusField(status.status), rev: status.rev }
    },
  },
  'com.atproto.sync.listRepos': {
    type: 'query',
    handler: async (ctx) => {
      ctx.params.integer('limit', { min: 1, max: 1000, fallback: 500 })
      // One repo; a cursor means the caller has already seen it.
      if (ctx.params.optionalString('cursor')) return { repos: [] }
      const status = await ctx.repo.status()
      const { did, head, rev, active } = status
      return { repos: [{ did, head, rev, active, ...statusField(status.status) }] }
    },
  },
}
