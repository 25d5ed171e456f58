import { decode } from '@atproto/lex-cbor'
import { parseCid } from '@atproto/lex-data'
import { lexToJson } from '@atproto/lex-json'
import { readCarWithRoot, verifyRepo } from '@atproto/repo'
import { beforeAll, describe, expect, it } from 'vitest'
import { agent, OWNER, xrpc } from './helpers/client'
import { ownerDidKey, readSignedCommit } from './helpers/signed-commit'
import { expectXrpcError, repoHead } from './helpers/xrpc-expect'

const COLLECTION = 'com.example.getRepoTest'
const uid = () => crypto.randomUUID().slice(0, 8)
const note = (text: string) => ({ $type: COLLECTION, text })

async function getRepoBytes(query: Record<string, string> = {}): Promise<Uint8Array> {
  const res = await xrpc('com.atproto.sync.getRepo', { query: { did: OWNER.did, ...query }, auth: false })
  expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200)
  expect(res.headers.get('content-type')).toBe('application/vnd.ipld.car')
  return new Uint8Array(await res.arrayBuffer())
}

/** Every record of `COLLECTION` as listRecords pages through it: path → {cid, value}. */
async function listedRecords(): Promise<Map<string, { cid: string; value: unknown }>> {
  const out = new Map<string, { cid: string; value: unknown }>()
  let cursor: string | undefined
  do {
    const page = await agent(false).com.atproto.repo.listRecords({
      repo: OWNER.did,
      collection: COLLECTION,
      limit: 100,
      cursor,
    })
    for (const r of page.data.records) out.set(r.uri.split('/').slice(-2).join('/'), r)
    cursor = page.data.records.length > 0 ? page.data.cursor : undefined
  } while (cursor)
  return out
}

describe('com.atproto.sync.getRepo', () => {
  const deleted: string[] = []
  let didKey: string

  beforeAll(async () => {
    didKey = await ownerDidKey()
    const a = agent()
    const repo = OWNER.did
    const rk = Array.from({ length: 6 }, (_, i) => `r${i}-${uid()}`)
    const twin = note(`twin-${uid()}`)
    for (const rkey of rk) {
      await a.com.atproto.repo.createRecord({ repo, collection: COLLECTION, rkey, record: note(rkey) })
    }
    // Two paths holding the same record: deleting one must not lose the shared block.
    await a.com.atproto.repo.createRecord({
      repo,
      collection: COLLECTION,
      rkey: `tw-a-${uid()}`,
      record: twin,
    })
    const twinB = `tw-b-${uid()}`
    await a.com.atproto.repo.createRecord({ repo, collection: COLLECTION, rkey: twinB, record: twin })
    await a.com.atproto.repo.putRecord({
      repo,
      collection: COLLECTION,
      rkey: rk[0] as string,
      record: note('v2'),
    })
    await a.com.atproto.repo.deleteRecord({ repo, collection: COLLECTION, rkey: rk[1] as string })
    await a.com.atproto.repo.deleteRecord({ repo, collection: COLLECTION, rkey: twinB })
    await a.com.atproto.repo.applyWrites({
      repo,
      writes: [
        {
          $type: 'com.atproto.repo.applyWrites#create',
          collection: COLLECTION,
          rkey: `b-${uid()}`,
          value: note('b'),
        },
        {
          $type: 'com.atproto.repo.applyWrites#update',
          collection: COLLECTION,
          rkey: rk[2] as string,
          value: note('u'),
        },
        { $type: 'com.atproto.repo.applyWrites#delete', collection: COLLECTION, rkey: rk[3] as string },
      ],
    })
    deleted.push(rk[1] as string, twinB, rk[3] as string)
  })

  it('exports a repo that verifies and matches listRecords', async () => {
    const head = await repoHead()
    const car = await readCarWithRoot(await getRepoBytes())
    const verified = await verifyRepo(car.blocks, car.root, OWNER.did, didKey)
    expect(verified.commit.cid.toString()).toBe(head.cid)
    expect(verified.commit.rev).toBe(head.rev)

    const inCar = new Map(
      verified.creates
        .filter((c) => c.collection === COLLECTION)
        .map((c) => [`${c.collection}/${c.rkey}`, c]),
    )
    const listed = await listedRecords()
    expect([...inCar.keys()].sort()).toEqual([...listed.keys()].sort())
    for (const [path, record] of listed) {
      const fromCar = inCar.get(path)
      expect(fromCar?.cid.toString(), path).toBe(record.cid)
      const bytes = fromCar ? car.blocks.get(fromCar.cid) : undefined
      expect(bytes, path).toBeDefined()
      expect(lexToJson(decode(bytes as Uint8Array)), path).toEqual(record.value)
    }
    for (const rkey of deleted) expect(inCar.has(`${COLLECTION}/${rkey}`)).toBe(false)
  })

  it('holds the signed head commit as its root', async () => {
    const head = await repoHead()
    const { root, blocks } = await readCarWithRoot(await getRepoBytes())
    expect(root.toString()).toBe(head.cid)
    const commit = await readSignedCommit(blocks, root, didKey)
    expect(commit).toMatchObject({ did: OWNER.did, rev: head.rev, version: 3 })
  })

  it('with since, returns only blocks written after that rev', async () => {
    const a = agent()
    const old = await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: COLLECTION,
      rkey: `old-${uid()}`,
      record: note(`old-${uid()}`),
    })
    const since = String(old.data.commit?.rev)
    const fresh = await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: COLLECTION,
      rkey: `new-${uid()}`,
      record: note(`new-${uid()}`),
    })
    const head = await repoHead()
    expect(head.rev).toBe(fresh.data.commit?.rev)

    const { root, blocks } = await readCarWithRoot(await getRepoBytes({ since }))
    expect(root.toString()).toBe(head.cid)
    expect(blocks.has(root)).toBe(true)
    expect(blocks.has(parseCid(fresh.data.cid))).toBe(true)
    expect(blocks.has(parseCid(old.data.cid))).toBe(false)
    expect(blocks.has(parseCid(String(old.data.commit?.cid)))).toBe(false)

    const full = await readCarWithRoot(await getRepoBytes())
    expect(full.blocks.size).toBeGreaterThan(blocks.size)
    for (const [cid] of blocks) expect(full.blocks.has(cid)).toBe(true)
  })

  it('refuses an unknown DID with RepoNotFound', async () => {
    const res = await xrpc('com.atproto.sync.getRepo', { query: { did: 'did:plc:unknown000000000000000' } })
    await expectXrpcError(res, 400, 'RepoNotFound')
  })

  it('refuses a since that is not a TID', async () => {
    const res = await xrpc('com.atproto.sync.getRepo', { query: { did: OWNER.did, since: 'not-a-tid' } })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })
})
