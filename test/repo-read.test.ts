import { beforeAll, describe, expect, it } from 'vitest'
import { agent, OWNER, xrpc } from './helpers/client'
import { expectXrpcError } from './helpers/xrpc-expect'

const LISTED = 'com.example.listed'
const COUNT = 7
/** rkeys of LISTED in creation order (generated TIDs). */
const created: string[] = []

const rkeyOf = (uri: string): string => uri.split('/').at(-1) as string

const list = (query: Record<string, string>) =>
  xrpc('com.atproto.repo.listRecords', {
    query: { repo: OWNER.did, collection: LISTED, ...query },
    auth: false,
  })

type ListOut = { records: { uri: string; cid: string; value: { n: number } }[]; cursor?: string }

beforeAll(async () => {
  const a = agent()
  for (let n = 0; n < COUNT; n++) {
    const res = await a.com.atproto.repo.createRecord({ repo: OWNER.did, collection: LISTED, record: { n } })
    created.push(rkeyOf(res.data.uri))
  }
})

describe('com.atproto.repo.getRecord', () => {
  it('returns uri, cid and value, with or without a matching cid', async () => {
    const a = agent(false)
    const rkey = created[0] as string
    const plain = await a.com.atproto.repo.getRecord({ repo: OWNER.did, collection: LISTED, rkey })
    expect(plain.data).toEqual({
      uri: `at://${OWNER.did}/${LISTED}/${rkey}`,
      cid: expect.any(String),
      value: { $type: LISTED, n: 0 },
    })
    const pinned = await a.com.atproto.repo.getRecord({
      repo: OWNER.did,
      collection: LISTED,
      rkey,
      cid: plain.data.cid,
    })
    expect(pinned.data).toEqual(plain.data)
  })

  it('answers 400 RecordNotFound for a missing record', async () => {
    const res = await xrpc('com.atproto.repo.getRecord', {
      query: { repo: OWNER.did, collection: LISTED, rkey: 'missing' },
      auth: false,
    })
    await expectXrpcError(res, 400, 'RecordNotFound')
  })

  it('answers 400 RecordNotFound when the cid does not match', async () => {
    const other = await agent().com.atproto.repo.getRecord({
      repo: OWNER.did,
      collection: LISTED,
      rkey: created[1] as string,
    })
    const res = await xrpc('com.atproto.repo.getRecord', {
      query: {
        repo: OWNER.did,
        collection: LISTED,
        rkey: created[0] as string,
        cid: other.data.cid as string,
      },
      auth: false,
    })
    await expectXrpcError(res, 400, 'RecordNotFound')
  })

  it('answers 400 InvalidRequest for a cid that is not a CID', async () => {
    const res = await xrpc('com.atproto.repo.getRecord', {
      query: { repo: OWNER.did, collection: LISTED, rkey: created[0] as string, cid: 'not-a-cid' },
      auth: false,
    })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })

  it('answers 400 for a repo that is not the owner and for missing params', async () => {
    const notOwner = await xrpc('com.atproto.repo.getRecord', {
      query: { repo: 'did:plc:someoneelse234567abcdefg', collection: LISTED, rkey: created[0] as string },
      auth: false,
    })
    await expectXrpcError(notOwner, 400, 'InvalidRequest')
    const noRkey = await xrpc('com.atproto.repo.getRecord', {
      query: { repo: OWNER.did, collection: LISTED },
      auth: false,
    })
    await expectXrpcError(noRkey, 400, 'InvalidRequest')
  })
})

describe('com.atproto.repo.listRecords', () => {
  it('lists newest first (rkey descending) by default', async () => {
    const res = await agent(false).com.atproto.repo.listRecords({ repo: OWNER.did, collection: LISTED })
    expect(res.data.records.map((r) => rkeyOf(r.uri))).toEqual([...created].reverse())
    expect(res.data.records.map((r) => (r.value as { n: number }).n)).toEqual([6, 5, 4, 3, 2, 1, 0])
    expect(res.data.cursor).toBeUndefined()
  })

  it('lists oldest first with reverse', async () => {
    const res = await agent(false).com.atproto.repo.listRecords({
      repo: OWNER.did,
      collection: LISTED,
      reverse: true,
    })
    expect(res.data.records.map((r) => rkeyOf(r.uri))).toEqual(created)
  })

  it('is empty for a collection with no records', async () => {
    const res = await agent(false).com.atproto.repo.listRecords({
      repo: OWNER.did,
      collection: 'com.example.empty',
    })
    expect(res.data.records).toEqual([])
  })

  it.each([
    { reverse: 'false', limit: 2 },
    { reverse: 'true', limit: 3 },
    { reverse: 'false', limit: 1 },
  ])('visits every record exactly once when paging (%o)', async ({ reverse, limit }) => {
    const seen: string[] = []
    let cursor: string | undefined
    for (let page = 0; page < COUNT + 2; page++) {
      const res = await list({ limit: String(limit), reverse, ...(cursor ? { cursor } : {}) })
      expect(res.status).toBe(200)
      const body = (await res.json()) as ListOut
      expect(body.records.length).toBeLessThanOrEqual(limit)
      seen.push(...body.records.map((r) => rkeyOf(r.uri)))
      cursor = body.cursor
      if (!cursor) break
    }
    expect(cursor).toBeUndefined()
    expect(seen).toEqual(reverse === 'true' ? created : [...created].reverse())
  })

  it.each(['1', '100'])('accepts limit %s', async (limit) => {
    const res = await list({ limit })
    expect(res.status).toBe(200)
    expect(((await res.json()) as ListOut).records.length).toBe(Math.min(Number(limit), COUNT))
  })

  it.each(['0', '101', '-1', 'ten', '1.5'])('refuses limit %s with 400', async (limit) => {
    await expectXrpcError(await list({ limit }), 400, 'InvalidRequest')
  })

  it('refuses a reverse that is not a boolean', async () => {
    await expectXrpcError(await list({ reverse: 'yes' }), 400, 'InvalidRequest')
  })
})

describe('com.atproto.repo.describeRepo', () => {
  it('describes the owner: handle, did, didDoc and collections', async () => {
    await agent().com.atproto.repo.putRecord({
      repo: OWNER.did,
      collection: 'com.example.described',
      rkey: 'one',
      record: { n: 1 },
    })
    const res = await agent(false).com.atproto.repo.describeRepo({ repo: OWNER.handle })
    expect(res.data.did).toBe(OWNER.did)
    expect(res.data.handle).toBe(OWNER.handle)
    expect(res.data.handleIsCorrect).toBe(true)
    expect(res.data.collections).toEqual(expect.arrayContaining([LISTED, 'com.example.described']))
    expect([...res.data.collections].sort()).toEqual(res.data.collections)
    expect(res.data.didDoc).toMatchObject({ id: OWNER.did, alsoKnownAs: [`at://${OWNER.handle}`] })
  })

  it('answers 400 for a repo that is not the owner', async () => {
    const res = await xrpc('com.atproto.repo.describeRepo', {
      query: { repo: 'bob.example.com' },
      auth: false,
    })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })
})
