import { didNamesThisPds } from '../did-validity'
import { DidResolver } from '../proxy/did-resolver'
import type { XrpcMethods } from '../xrpc-context'

/**
 * `com.atproto.server.checkAccountStatus`: what an account migration watches, counted
 * as the reference PDS counts them. This PDS keeps no private state, so
 * `privateStateValues` is 0.
 */
export const accountStatusMethods: XrpcMethods = {
  'com.atproto.server.checkAccountStatus': {
    type: 'query',
    auth: 'owner',
    handler: async ({ config, repo }) => {
      const resolver = new DidResolver({
        fetch: (input, init) => fetch(input, init),
        plcUrl: config.proxy.plcUrl,
        allowInsecure: config.proxy.allowInsecure,
      })
      const [status, validDid] = await Promise.all([
        repo.migrationStatus(),
        didNamesThisPds(config, (did) => resolver.resolve(did)),
      ])
      return {
        activated: status.activated,
        validDid,
        repoCommit: status.repoCommit,
        repoRev: status.repoRev,
        repoBlocks: status.repoBlocks,
        indexedRecords: status.indexedRecords,
        privateStateValues: 0,
        expectedBlobs: status.expectedBlobs,
        importedBlobs: status.importedBlobs,
      }
    },
  },
}
