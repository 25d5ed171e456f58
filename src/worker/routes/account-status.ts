import { didNamesThisPds, ownerDidResolver } from '../did-validity'
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
      const [status, validDid] = await Promise.all([
        repo.migrationStatus(),
        didNamesThisPds(config, ownerDidResolver(config)),
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
