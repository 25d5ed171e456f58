import { describe, expect, it } from 'vitest'
import { agent, OWNER, xrpc } from './helpers/client'
import { distinctVectorLines, vectorLines } from './helpers/vector-lines'
import { expectNoCommit, expectXrpcError } from './helpers/xrpc-expect'
import nsidInvalid from './vectors/atproto-interop/syntax/nsid_syntax_invalid.txt?raw'
import rkeyInvalid from './vectors/atproto-interop/syntax/recordkey_syntax_invalid.txt?raw'
import rkeyValid from './vectors/atproto-interop/syntax/recordkey_syntax_valid.txt?raw'

const THING = 'com.example.thing'

describe('record writes over the record-key vectors', () => {
  it.each(vectorLines(rkeyInvalid))(
    'createRecord refuses rkey %j with 400 and writes nothing',
    async (rkey) => {
      await expectNoCommit(async () => {
        const res = await xrpc('com.atproto.repo.createRecord', {
          body: { repo: OWNER.did, collection: THING, rkey, record: { n: 1 } },
        })
        await expectXrpcError(res, 400, 'InvalidRequest')
      })
    },
  )

  it.each(vectorLines(rkeyInvalid))('putRecord refuses rkey %j with 400', async (rkey) => {
    const res = await xrpc('com.atproto.repo.putRecord', {
      body: { repo: OWNER.did, collection: THING, rkey, record: { n: 1 } },
    })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })

  it.each(vectorLines(rkeyInvalid))('getRecord refuses rkey %j with 400', async (rkey) => {
    const res = await xrpc('com.atproto.repo.getRecord', {
      query: { repo: OWNER.did, collection: THING, rkey },
      auth: false,
    })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })

  it.each(distinctVectorLines(rkeyValid))('accepts rkey %j and reads the record back', async (rkey) => {
    const a = agent()
    const put = await a.com.atproto.repo.putRecord({
      repo: OWNER.did,
      collection: THING,
      rkey,
      record: { $type: THING, rkey },
    })
    expect(put.data.uri).toBe(`at://${OWNER.did}/${THING}/${rkey}`)
    const got = await a.com.atproto.repo.getRecord({ repo: OWNER.did, collection: THING, rkey })
    expect(got.data.cid).toBe(put.data.cid)
    expect(got.data.value).toEqual({ $type: THING, rkey })
  })
})

describe('record writes over the NSID vectors', () => {
  it.each(vectorLines(nsidInvalid))(
    'createRecord refuses collection %j with 400 and writes nothing',
    async (collection) => {
      await expectNoCommit(async () => {
        const res = await xrpc('com.atproto.repo.createRecord', {
          body: { repo: OWNER.did, collection, record: { $type: collection } },
        })
        await expectXrpcError(res, 400, 'InvalidRequest')
      })
    },
  )

  it.each(vectorLines(nsidInvalid))('listRecords refuses collection %j with 400', async (collection) => {
    const res = await xrpc('com.atproto.repo.listRecords', {
      query: { repo: OWNER.did, collection },
      auth: false,
    })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })
})
