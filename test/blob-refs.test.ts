import { describe, expect, it } from 'vitest'
import { repoStub } from './helpers/actors'
import { type BlobOutput, getBlob, noise, rawCid, upload } from './helpers/blobs'
import { OWNER, xrpc } from './helpers/client'
import { expectNoCommit, expectXrpcError, repoHead } from './helpers/xrpc-expect'

const THING = 'com.example.gallery'

const ref = (blob: BlobOutput['blob']) => ({
  $type: 'blob',
  ref: blob.ref,
  mimeType: blob.mimeType,
  size: blob.size,
})

/** Uploads `n` distinct small blobs. */
async function uploads(n: number, seed: number): Promise<BlobOutput['blob'][]> {
  const out: BlobOutput['blob'][] = []
  for (let i = 0; i < n; i++) out.push((await upload(noise(64, seed * 1000 + i))).blob)
  return out
}

async function put(rkey: string, record: Record<string, unknown>): Promise<Response> {
  return xrpc('com.atproto.repo.putRecord', {
    body: { repo: OWNER.did, collection: THING, rkey, record: { $type: THING, ...record } },
  })
}

async function listBlobs(query: Record<string, string> = {}): Promise<{ cids: string[]; cursor?: string }> {
  const res = await xrpc('com.atproto.sync.listBlobs', { query: { did: OWNER.did, ...query }, auth: false })
  expect(res.status).toBe(200)
  return (await res.json()) as { cids: string[]; cursor?: string }
}

/** Whether the PDS holds `cid` as referenced (an orphan may already be collected by the GC alarm). */
const referenced = async (cid: string) => (await repoStub().blobMeta(cid))?.referenced ?? false

describe('blob references in records', () => {
  it('refuses a write that references a blob the PDS does not have, and writes nothing', async () => {
    const unknown = {
      $type: 'blob',
      ref: { $link: await rawCid(noise(10, 4242)) },
      mimeType: 'image/png',
      size: 10,
    }
    await expectNoCommit(async () => {
      await expectXrpcError(await put('unknown', { pic: unknown }), 400, 'InvalidRequest')
    })
    const [known] = await uploads(1, 1)
    await expectNoCommit(async () => {
      const res = await xrpc('com.atproto.repo.applyWrites', {
        body: {
          repo: OWNER.did,
          writes: [
            {
              $type: 'com.atproto.repo.applyWrites#create',
              collection: THING,
              rkey: 'ok',
              value: { pic: known },
            },
            {
              $type: 'com.atproto.repo.applyWrites#create',
              collection: THING,
              rkey: 'bad',
              value: { pic: unknown },
            },
          ],
        },
      })
      await expectXrpcError(res, 400, 'InvalidRequest')
    })
    const got = await xrpc('com.atproto.repo.getRecord', {
      query: { repo: OWNER.did, collection: THING, rkey: 'ok' },
    })
    await expectXrpcError(got, 400, 'RecordNotFound')
    expect(await referenced(known?.ref.$link ?? '')).toBe(false)
  })

  it('links blobs at any depth, replaces links on update and removes them on delete', async () => {
    const [a, b, c] = await uploads(3, 2)
    if (!a || !b || !c) throw new Error('uploads failed')
    expect((await put('links', { deep: { list: [{ img: ref(a) }, ref(b)] } })).status).toBe(200)
    expect([await referenced(a.ref.$link), await referenced(b.ref.$link)]).toEqual([true, true])
    expect((await getBlob(a.ref.$link)).status).toBe(200)

    expect((await put('links', { only: ref(c), again: ref(b) })).status).toBe(200)
    expect(await referenced(a.ref.$link)).toBe(false) // orphaned: GC's to collect
    expect([await referenced(b.ref.$link), await referenced(c.ref.$link)]).toEqual([true, true])
    await expectXrpcError(await getBlob(a.ref.$link), 400, 'BlobNotFound')

    const del = await xrpc('com.atproto.repo.deleteRecord', {
      body: { repo: OWNER.did, collection: THING, rkey: 'links' },
    })
    expect(del.status).toBe(200)
    expect([await referenced(b.ref.$link), await referenced(c.ref.$link)]).toEqual([false, false])
  })

  it('keeps a blob referenced while another record still uses it', async () => {
    const [shared] = await uploads(1, 3)
    if (!shared) throw new Error('upload failed')
    expect((await put('share-1', { pic: ref(shared) })).status).toBe(200)
    expect((await put('share-2', { pic: ref(shared) })).status).toBe(200)
    await xrpc('com.atproto.repo.deleteRecord', {
      body: { repo: OWNER.did, collection: THING, rkey: 'share-1' },
    })
    expect(await referenced(shared.ref.$link)).toBe(true)
  })

  it('tracks legacy {cid, mimeType} blob refs too', async () => {
    const [legacy] = await uploads(1, 4)
    if (!legacy) throw new Error('upload failed')
    expect((await put('legacy', { pic: { cid: legacy.ref.$link, mimeType: legacy.mimeType } })).status).toBe(
      200,
    )
    expect(await referenced(legacy.ref.$link)).toBe(true)
  })
})

describe('listBlobs', () => {
  it('lists referenced blobs only, sorted by CID, in pages with a cursor', async () => {
    const blobs = await uploads(5, 5)
    const [unreferenced] = await uploads(1, 6)
    expect((await put('paged', { pics: blobs.map(ref) })).status).toBe(200)
    const all = (await listBlobs({ limit: '1000' })).cids
    expect(all).toEqual([...all].sort())
    for (const b of blobs) expect(all).toContain(b.ref.$link)
    expect(all).not.toContain(unreferenced?.ref.$link)

    const paged: string[] = []
    let cursor: string | undefined
    for (let i = 0; i < 100; i++) {
      const page = await listBlobs({ limit: '2', ...(cursor ? { cursor } : {}) })
      expect(page.cids.length).toBeLessThanOrEqual(2)
      paged.push(...page.cids)
      cursor = page.cursor
      if (!cursor) break
      expect(cursor).toBe(page.cids.at(-1))
    }
    expect(paged).toEqual(all)
  })

  it('with since, lists the blobs of records written after that rev', async () => {
    const [old] = await uploads(1, 7)
    expect((await put('since-old', { pic: old && ref(old) })).status).toBe(200)
    const { rev } = await repoHead()
    const [fresh] = await uploads(1, 8)
    expect((await put('since-new', { pic: fresh && ref(fresh) })).status).toBe(200)
    const since = (await listBlobs({ since: rev })).cids
    expect(since).toEqual([fresh?.ref.$link])
  })

  it('checks its parameters', async () => {
    const bad = (query: Record<string, string>) =>
      xrpc('com.atproto.sync.listBlobs', { query: { did: OWNER.did, ...query }, auth: false })
    await expectXrpcError(await bad({ limit: '1001' }), 400, 'InvalidRequest')
    await expectXrpcError(await bad({ limit: '0' }), 400, 'InvalidRequest')
    await expectXrpcError(await bad({ since: 'yesterday' }), 400, 'InvalidRequest')
    const other = await xrpc('com.atproto.sync.listBlobs', {
      query: { did: 'did:web:other.test' },
      auth: false,
    })
    await expectXrpcError(other, 400, 'RepoNotFound')
  })
})
