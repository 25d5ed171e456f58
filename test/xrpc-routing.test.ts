import { describe, expect, it } from 'vitest'
import { BASE_URL, OWNER, workerFetch, xrpc } from './helpers/client'
import { expectXrpcError } from './helpers/xrpc-expect'

const procedures = [
  'com.atproto.repo.createRecord',
  'com.atproto.repo.putRecord',
  'com.atproto.repo.deleteRecord',
  'com.atproto.repo.applyWrites',
]
const queries = [
  'com.atproto.repo.getRecord',
  'com.atproto.repo.listRecords',
  'com.atproto.repo.describeRepo',
  'com.atproto.server.describeServer',
  'com.atproto.identity.resolveHandle',
  'com.atproto.sync.getLatestCommit',
]

describe('XRPC routing', () => {
  it.each(procedures)('answers GET on procedure %s with 400 InvalidRequest', async (nsid) => {
    const res = await xrpc(nsid, { method: 'GET', query: { repo: OWNER.did } })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })

  it.each(queries)('answers POST on query %s with 400 InvalidRequest', async (nsid) => {
    const res = await xrpc(nsid, { method: 'POST', body: {} })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })

  it.each(['PUT', 'DELETE', 'PATCH'])('answers %s on a procedure with 400 InvalidRequest', async (method) => {
    const res = await xrpc('com.atproto.repo.createRecord', { method, body: {} })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })

  it.each([
    ['GET', 'com.example.notImplemented'],
    ['POST', 'com.example.notImplemented'],
    ['GET', 'com.example.other.getThing'],
  ])('answers %s on an unknown but valid NSID %s with 501 MethodNotImplemented', async (method, nsid) => {
    const res = await xrpc(nsid, { method, ...(method === 'POST' ? { body: {} } : {}) })
    await expectXrpcError(res, 501, 'MethodNotImplemented')
  })

  it.each(['not-an-nsid', 'com.example', 'com..example.foo', '_status'])(
    'answers an invalid NSID path %j with 404',
    async (nsid) => {
      const res = await xrpc(nsid, { auth: false })
      await expectXrpcError(res, 404, 'XRPCNotSupported')
    },
  )

  it('answers an unknown non-XRPC path with a 404 JSON error', async () => {
    const res = await workerFetch(`${BASE_URL}/no/such/path`)
    expect(res.status).toBe(404)
    expect(Object.keys((await res.json()) as object).sort()).toEqual(['error', 'message'])
  })

  it('answers HEAD on a query', async () => {
    const res = await xrpc('com.atproto.server.describeServer', { method: 'HEAD', auth: false })
    expect(res.status).toBe(200)
  })
})
