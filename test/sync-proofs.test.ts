import { encode } from '@atproto/lex-cbor'
import { cidForCbor, parseCid } from '@atproto/lex-data'
import { readCar, readCarWithRoot, verifyProofs, verifyRecords } from '@atproto/repo'
import { isValidTid } from '@atproto/syntax'
import { beforeAll, describe, expect, it } from 'vitest'
import { agent, OWNER, xrpc } from './helpers/client'
import { ownerDidKey, readSignedCommit, rehashMatches } from './helpers/signed-commit'
import { expectXrpcError, repoHead } from './helpers/xrpc-expect'

const COLLECTION = 'com.example.proofTest'
const uid = () => crypto.randomUUID().slice(0, 8)

async function carQuery(nsid: string, query: Record<string, string | string[]>): Promise<Uint8Array> {
  const res = await xrpc(nsid, { query: { did: OWNER.did, ...query }, auth: false })
  expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/vnd.ipld.car')
  return new Uint8Array(await res.arrayBuffer())
}

const recordProof = (rkey: string) => carQuery('com.atproto.sync.getRecord', { collection: COLLECTION, rkey })

describe('com.atproto.sync.getRecord', () => {
  let didKey: string
  let rkey: string
  let cid: string
  const text = `proof-${uid()}`

  beforeAll(async () => {
    didKey = await ownerDidKey()
    const a = agent()
    // Neighbours on both sides, so the proof has a real path to walk.
    for (const k of ['a', 'm', 'z']) {
      await a.com.atproto.repo.createRecord({
        repo: OWNER.did,
        collection: COLLECTION,
        rkey: `${k}-${uid()}`,
        record: { $type: COLLECTION, text: k },
      })
    }
    rkey = `m-${uid()}`
    const created = await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: COLLECTION,
      rkey,
      record: { $type: COLLECTION, text },
    })
    cid = created.data.cid
  })

  it('proves an existing record under the current signed commit', async () => {
    const car = await recordProof(rkey)
    const head = await repoHead()
    expect((await readCarWithRoot(car)).root.toString()).toBe(head.cid)
    const claim = { collection: COLLECTION, rkey, cid: parseCid(cid) }
    const { verified, unverified } = await verifyProofs(car, [claim], OWNER.did, didKey)
    expect(verified).toHaveLength(1)
    expect(unverified).toEqual([])
    const records = await verifyRecords(car, OWNER.did, didKey)
    const found = records.find((r) => r.collection === COLLECTION && r.rkey === rkey)
    expect(found?.record).toEqual({ $type: COLLECTION, text })
  })

  it('refutes a wrong CID for an existing record', async () => {
    const wrong = await cidForCbor(encode({ $type: COLLECTION, text: 'something else' }))
    const claim = { collection: COLLECTION, rkey, cid: wrong }
    const { verified, unverified } = await verifyProofs(await recordProof(rkey), [claim], OWNER.did, didKey)
    expect(verified).toEqual([])
    expect(unverified).toHaveLength(1)
  })

  it('proves the absence of a missing record', async () => {
    const missing = `m-${uid()}-missing`
    const car = await recordProof(missing)
    const absent = { collection: COLLECTION, rkey: missing, cid: null }
    const { verified, unverified } = await verifyProofs(car, [absent], OWNER.did, didKey)
    expect(verified).toHaveLength(1)
    expect(unverified).toEqual([])
    const records = await verifyRecords(car, OWNER.did, didKey)
    expect(records.some((r) => r.rkey === missing)).toBe(false)
  })
})

describe('com.atproto.sync.getBlocks', () => {
  it('returns each requested block, its CID re-hashing to the bytes', async () => {
    const created = await agent().com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: COLLECTION,
      record: { $type: COLLECTION, text: `blocks-${uid()}` },
    })
    const head = await repoHead()
    const wanted = [created.data.cid, head.cid]
    const car = await carQuery('com.atproto.sync.getBlocks', { cids: wanted })
    const { roots, blocks } = await readCar(car, { skipCidVerification: true })
    expect(roots).toEqual([])
    for (const s of wanted) {
      const bytes = blocks.get(parseCid(s))
      expect(bytes, s).toBeDefined()
      expect(await rehashMatches(parseCid(s), bytes as Uint8Array), s).toBe(true)
    }
    const commit = await readSignedCommit(blocks, parseCid(head.cid), await ownerDidKey())
    expect(commit.rev).toBe(head.rev)
  })

  it('fails with 400 when a block is missing', async () => {
    const head = await repoHead()
    const absent = (await cidForCbor(encode({ nonce: crypto.randomUUID() }))).toString()
    const res = await xrpc('com.atproto.sync.getBlocks', {
      query: { did: OWNER.did, cids: [head.cid, absent] },
      auth: false,
    })
    const body = await expectXrpcError(res, 400, 'BlockNotFound')
    expect(body.message).toContain(absent)
  })
})

describe('sync status methods', () => {
  it('getLatestCommit, getRepoStatus and listRepos agree on the head', async () => {
    const latest = await agent(false).com.atproto.sync.getLatestCommit({ did: OWNER.did })
    expect(Object.keys(latest.data).sort()).toEqual(['cid', 'rev'])
    expect(isValidTid(latest.data.rev)).toBe(true)
    expect(parseCid(latest.data.cid).toString()).toBe(latest.data.cid)

    const status = await agent(false).com.atproto.sync.getRepoStatus({ did: OWNER.did })
    expect(status.data).toEqual({ did: OWNER.did, active: true, rev: latest.data.rev })

    const list = await agent(false).com.atproto.sync.listRepos({})
    expect(list.data.repos).toEqual([
      { did: OWNER.did, head: latest.data.cid, rev: latest.data.rev, active: true },
    ])
  })

  it('refuses an unknown DID with RepoNotFound', async () => {
    for (const nsid of ['com.atproto.sync.getLatestCommit', 'com.atproto.sync.getRepoStatus']) {
      const res = await xrpc(nsid, { query: { did: 'did:plc:unknown000000000000000' }, auth: false })
      await expectXrpcError(res, 400, 'RepoNotFound')
    }
  })
})
