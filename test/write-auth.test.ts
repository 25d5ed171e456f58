import { describe, expect, it } from 'vitest'
import { BASE_URL, OWNER, workerFetch, xrpc } from './helpers/client'
import { expectNoCommit, expectXrpcError } from './helpers/xrpc-expect'

const THING = 'com.example.authz'

const writes: [string, object][] = [
  ['com.atproto.repo.createRecord', { repo: OWNER.did, collection: THING, record: { n: 1 } }],
  ['com.atproto.repo.putRecord', { repo: OWNER.did, collection: THING, rkey: 'k', record: { n: 1 } }],
  ['com.atproto.repo.deleteRecord', { repo: OWNER.did, collection: THING, rkey: 'k' }],
  [
    'com.atproto.repo.applyWrites',
    {
      repo: OWNER.did,
      writes: [{ $type: 'com.atproto.repo.applyWrites#create', collection: THING, value: { n: 1 } }],
    },
  ],
]

const post = (nsid: string, body: object, authorization?: string) =>
  workerFetch(`${BASE_URL}/xrpc/${nsid}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  })

describe('owner auth on writes', () => {
  it.each(writes)(
    '%s without a token is 401 AuthenticationRequired with WWW-Authenticate',
    async (nsid, body) => {
      await expectNoCommit(async () => {
        const res = await post(nsid, body)
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
        await expectXrpcError(res, 401, 'AuthenticationRequired')
      })
    },
  )

  it.each(writes)('%s with a wrong token is 400 InvalidToken', async (nsid, body) => {
    await expectNoCommit(async () => {
      await expectXrpcError(await post(nsid, body, 'Bearer not-the-token'), 400, 'InvalidToken')
    })
  })

  it.each([
    ['a token with a suffix', `Bearer ${OWNER.authToken}x`],
    ['a prefix of the token', `Bearer ${OWNER.authToken.slice(0, -1)}`],
    ['an empty bearer', 'Bearer '],
    ['a Basic credential', `Basic ${btoa(`${OWNER.handle}:${OWNER.authToken}`)}`],
  ])('refuses %s with 400 InvalidToken', async (_name, authorization) => {
    const [nsid, body] = writes[0] as [string, object]
    await expectNoCommit(async () =>
      expectXrpcError(await post(nsid, body, authorization), 400, 'InvalidToken'),
    )
  })

  it('checks auth before reading the body', async () => {
    const res = await workerFetch(`${BASE_URL}/xrpc/com.atproto.repo.createRecord`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'not json',
    })
    await expectXrpcError(res, 401, 'AuthenticationRequired')
  })

  it('accepts the owner token with a lowercase scheme', async () => {
    const res = await post(writes[0]?.[0] as string, writes[0]?.[1] as object, `bearer ${OWNER.authToken}`)
    expect(res.status).toBe(200)
  })
})

describe('reads need no auth', () => {
  it.each([
    ['com.atproto.repo.describeRepo', { repo: OWNER.did }],
    ['com.atproto.repo.listRecords', { repo: OWNER.did, collection: THING }],
    ['com.atproto.server.describeServer', {}],
    ['com.atproto.identity.resolveHandle', { handle: OWNER.handle }],
    ['com.atproto.sync.getLatestCommit', { did: OWNER.did }],
  ])('%s answers 200 without a token', async (nsid, query) => {
    const res = await xrpc(nsid, { query, auth: false })
    expect(res.status).toBe(200)
  })

  it('getRecord answers without a token', async () => {
    await xrpc('com.atproto.repo.putRecord', {
      body: { repo: OWNER.did, collection: THING, rkey: 'readable', record: { n: 1 } },
    })
    const res = await xrpc('com.atproto.repo.getRecord', {
      query: { repo: OWNER.did, collection: THING, rkey: 'readable' },
      auth: false,
    })
    expect(res.status).toBe(200)
  })
})
