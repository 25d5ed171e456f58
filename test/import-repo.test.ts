import { Secp256k1Keypair } from '@atproto/crypto'
import { decode } from '@atproto/lex-cbor'
import type { Cid } from '@atproto/lex-data'
import { readCarWithRoot, verifyRepo } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { rawCid, tinyPng, upload } from './helpers/blobs'
import { agent, OWNER, xrpc } from './helpers/client'
import { buildSourceRepo, carOf, posts } from './helpers/import-car'
import { readOutboxEvents } from './helpers/outbox-events'
import { rawPost } from './helpers/xrpc-expect'

const RECORDS = 3000
const CAR_TYPE = 'application/vnd.ipld.car'

const accountStatus = async () => (await agent().com.atproto.server.checkAccountStatus()).data

async function importCar(car: Uint8Array): Promise<Response> {
  return rawPost('com.atproto.repo.importRepo', car, CAR_TYPE)
}

async function exportedRepo() {
  const res = await xrpc('com.atproto.sync.getRepo', { query: { did: OWNER.did }, auth: false })
  expect(res.status).toBe(200)
  return readCarWithRoot(new Uint8Array(await res.arrayBuffer()))
}

describe('importRepo', () => {
  it('imports a repo built elsewhere, re-signs it with our key, and announces it on activation', async () => {
    const pngs = [await tinyPng(1), await tinyPng(2)]
    const blobCids = await Promise.all(pngs.map(rawCid))
    const source = await buildSourceRepo(posts(RECORDS, blobCids, 100))
    const car = await carOf(source)
    expect((await xrpc('com.atproto.server.deactivateAccount', { body: {} })).status).toBe(200)
    const eventsBefore = await readOutboxEvents()

    const started = Date.now()
    const res = await importCar(car)
    const elapsed = Date.now() - started
    expect(res.status, await res.text()).toBe(200)
    // A figure for the report, not an assertion: workerd's clock moves with I/O only.
    console.info(`imported ${RECORDS} records (${car.byteLength} bytes) in ${elapsed} ms`)

    const status = await accountStatus()
    expect(status).toMatchObject({
      activated: false,
      validDid: true,
      indexedRecords: RECORDS,
      privateStateValues: 0,
      expectedBlobs: 2,
      importedBlobs: 0,
    })
    // Records, MST nodes and our commit: the source commit block is not kept.
    expect(status.repoBlocks).toBe(source.blocks.size)
    expect(status.repoRev > source.rev).toBe(true)
    // While deactivated, the import goes on no firehose.
    expect((await readOutboxEvents()).length).toBe(eventsBefore.length)

    // Importing again replaces the previous import: the same tree, a later rev.
    expect((await importCar(car)).status).toBe(200)
    const again = await accountStatus()
    expect({ ...again, repoCommit: '', repoRev: '' }).toEqual({ ...status, repoCommit: '', repoRev: '' })
    expect(again.repoRev > status.repoRev).toBe(true)

    // The referenced blobs are missing until uploaded.
    const missing = await agent().com.atproto.repo.listMissingBlobs({})
    expect(missing.data.blobs.map((b) => b.cid).sort()).toEqual([...blobCids].sort())
    await upload(pngs[0] as Uint8Array, 'image/png')
    const afterUpload = await agent().com.atproto.repo.listMissingBlobs({})
    expect(afterUpload.data.blobs.map((b) => b.cid)).toEqual([blobCids[1]])
    expect((await accountStatus()).importedBlobs).toBe(1)

    expect((await xrpc('com.atproto.server.activateAccount', { body: {} })).status).toBe(200)
    const announced = (await readOutboxEvents()).slice(eventsBefore.length)
    expect(announced.map((e) => e.type)).toEqual(['#account', '#identity', '#sync'])
    const sync = announced[2]?.body as { blocks: Uint8Array; rev: string }
    const syncCar = await readCarWithRoot(sync.blocks)
    const syncCommit = decode(syncCar.blocks.get(syncCar.root) as Uint8Array) as { data: Cid; rev: string }
    expect(syncCommit.data.toString()).toBe(source.data.toString())
    expect(syncCommit.rev > again.repoRev).toBe(true)

    // Reads serve the imported records; getRepo verifies against our key.
    const a = agent()
    const one = await a.com.atproto.repo.getRecord({
      repo: OWNER.did,
      collection: 'com.example.post',
      rkey: '000042',
    })
    expect(one.data.value).toMatchObject({ text: 'post 42' })
    const listed = await a.com.atproto.repo.listRecords({
      repo: OWNER.did,
      collection: 'com.example.post',
      limit: 5,
    })
    expect(listed.data.records.map((r) => r.uri.split('/').pop())).toEqual([
      '002999',
      '002998',
      '002997',
      '002996',
      '002995',
    ])
    const exported = await exportedRepo()
    const ourKey = (await Secp256k1Keypair.import(OWNER.signingKeyHex)).did()
    const verified = await verifyRepo(exported.blocks, exported.root, OWNER.did, ourKey)
    expect(verified.creates.length).toBe(RECORDS)
    const exportedCommit = decode(exported.blocks.get(exported.root) as Uint8Array) as { data: Cid }
    expect(exportedCommit.data.toString()).toBe(source.data.toString())

    // Writes go on from the imported tree.
    await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'com.example.post',
      record: { n: 1 },
    })
    expect((await accountStatus()).indexedRecords).toBe(RECORDS + 1)
  })
})
