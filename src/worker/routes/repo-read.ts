import { parseCidSafe } from '@atproto/lex-data'
import { isValidNsid, isValidRecordKey } from '@atproto/syntax'
import { invalidRequest } from '../../shared/xrpc-error'
import { unwrap } from '../actor-errors'
import { didDocument } from '../did-document'
import { assertOwnerRepo } from '../owner-repo'
import type { XrpcMethods } from '../xrpc-context'

const collectionParam = (value: string) => {
  if (!isValidNsid(value)) throw invalidRequest(`Invalid collection NSID: ${value}`)
  return value
}

/** Read methods of `com.atproto.repo`. */
export const repoReadMethods: XrpcMethods = {
  'com.atproto.repo.describeRepo': {
    type: 'query',
    handler: async ({ params, config, repo }) => {
      assertOwnerRepo(config, params.string('repo'), 'InvalidRequest')
      const { collections } = unwrap(await repo.describe())
      return {
        handle: config.handle,
        did: config.did,
        didDoc: await didDocument(config),
        collections,
        handleIsCorrect: true,
      }
    },
  },
  'com.atproto.repo.getRecord': {
    type: 'query',
    handler: async ({ params, config, repo }) => {
      assertOwnerRepo(config, params.string('repo'), 'InvalidRequest')
      const collection = collectionParam(params.string('collection'))
      const rkey = params.string('rkey')
      if (!isValidRecordKey(rkey)) throw invalidRequest(`Invalid record key: ${rkey}`)
      const cid = params.optionalString('cid')
      if (cid !== undefined && !parseCidSafe(cid)) throw invalidRequest(`Invalid cid: ${cid}`)
      return unwrap(await repo.getRecord(collection, rkey, cid))
    },
  },
  'com.atproto.repo.listRecords': {
    type: 'query',
    handler: async ({ params, config, repo }) => {
      assertOwnerRepo(config, params.string('repo'), 'InvalidRequest')
      const page = await repo.listRecords({
        collection: collectionParam(params.string('collection')),
        limit: params.integer('limit', { min: 1, max: 100, fallback: 50 }),
        cursor: params.optionalString('cursor') ?? null,
        reverse: params.boolean('reverse') ?? false,
      })
      return unwrap(page)
    },
  },
}
