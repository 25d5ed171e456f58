import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { repoStub } from './helpers/actors'
import { getBlob, noise, rawCid, tinyPng, upload } from './helpers/blobs'
import { agent, OWNER, xrpc } from './helpers/client'
import { expectXrpcError } from './helpers/xrpc-expect'

/** A post embedding `blob` as an image, written through the typed client as the app does. */
async function postImage(blob: unknown): Promise<string> {
  const res = await agent().com.atproto.repo.createRecord({
    repo: OWNER.did,
    collection: 'app.bsky.feed.post',
    record: {
      $type: 'app.bsky.feed.post',
      text: 'a picture',
      createdAt: new Date().toISOString(),
      embed: { $type: 'app.bsky.embed.images', images: [{ image: blob, alt: 'one pixel' }] },
    },
  })
  return res.data.uri
}

describe('getBlob', () => {
  let png: Uint8Array
  let cid: string

  beforeAll(async () => {
    png = await tinyPng(0x42)
    const { blob } = await upload(png, 'image/png')
    cid = blob.ref.$link
    await postImage(blob)
  })

  it('serves a referenced blob to anyone, with the safety headers', async () => {
    const res = await getBlob(cid)
    expect(res.status).toBe(200)
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(png)
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'content-type': 'image/png',
      'content-length': String(png.length),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'content-disposition': `attachment; filename="${cid}"`,
      'accept-ranges': 'bytes',
    })
  })

  it('answers HEAD with the headers and no body', async () => {
    const res = await getBlob(cid, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe(String(png.length))
    expect((await res.arrayBuffer()).byteLength).toBe(0)
  })

  it.each([
    ['bytes=0-7', 0, 8],
    ['bytes=8-', 8, undefined],
    ['bytes=-4', -4, undefined],
    ['bytes=3-3', 3, 4],
    ['bytes=10-100000', 10, undefined],
  ])('serves the range %s with 206 and Content-Range', async (range, from, to) => {
    const res = await getBlob(cid, { headers: { range } })
    const expected = png.slice(from, to)
    expect(res.status).toBe(206)
    const start = from < 0 ? png.length + from : from
    expect(res.headers.get('content-range')).toBe(
      `bytes ${start}-${start + expected.length - 1}/${png.length}`,
    )
    expect(res.headers.get('content-length')).toBe(String(expected.length))
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(expected)
  })

  it.each(['bytes=999999-', 'bytes=5-2', 'bytes=0-1,4-5', 'bytes=x-y'])(
    'refuses the range %s with 416',
    async (range) => {
      const res = await getBlob(cid, { headers: { range } })
      expect(res.status).toBe(416)
      expect(res.headers.get('content-range')).toBe(`bytes */${png.length}`)
    },
  )

  it('ignores a range in a unit other than bytes', async () => {
    const res = await getBlob(cid, { headers: { range: 'items=0-1' } })
    expect(res.status).toBe(200)
    expect((await res.arrayBuffer()).byteLength).toBe(png.length)
  })

  it('answers BlobNotFound, RepoNotFound and InvalidRequest for bad parameters', async () => {
    await expectXrpcError(await getBlob(await rawCid(noise(10, 99))), 400, 'BlobNotFound')
    await expectXrpcError(await getBlob(cid, { did: 'did:web:elsewhere.test' }), 400, 'RepoNotFound')
    await expectXrpcError(await getBlob('not-a-cid'), 400, 'InvalidRequest')
  })

  it('serves a just-uploaded blob only to the owner', async () => {
    const { blob } = await upload(noise(50, 77), 'application/octet-stream')
    await expectXrpcError(await getBlob(blob.ref.$link), 400, 'BlobNotFound')
    expect((await getBlob(blob.ref.$link, { auth: true })).status).toBe(200)
    // A bad token is treated as no token.
    const res = await getBlob(blob.ref.$link, { headers: { authorization: 'Bearer nope' } })
    await expectXrpcError(res, 400, 'BlobNotFound')
  })
})

describe('listMissingBlobs', () => {
  it('lists a referenced blob whose bytes were lost, until it is uploaded again', async () => {
    const png = await tinyPng(0x17)
    const { blob } = await upload(png, 'image/png')
    const uri = await postImage(blob)
    const cid = blob.ref.$link
    const meta = await repoStub().blobMeta(cid)
    if (!meta) throw new Error('blob not recorded')
    await env.BLOBS.delete(meta.r2Key) // R2 lost the bytes
    await expectXrpcError(await getBlob(cid), 400, 'BlobNotFound')

    const missing = await xrpc('com.atproto.repo.listMissingBlobs')
    expect(missing.status).toBe(200)
    expect(((await missing.json()) as { blobs: unknown[] }).blobs).toContainEqual({ cid, recordUri: uri })

    await upload(png, 'image/png')
    const served = await getBlob(cid) // public again: records reference it
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png)
    const after = (await (await xrpc('com.atproto.repo.listMissingBlobs')).json()) as { blobs: unknown[] }
    expect(after.blobs).not.toContainEqual({ cid, recordUri: uri })
  })

  it('requires authentication and checks limit', async () => {
    await expectXrpcError(
      await xrpc('com.atproto.repo.listMissingBlobs', { auth: false }),
      401,
      'AuthenticationRequired',
    )
    await expectXrpcError(
      await xrpc('com.atproto.repo.listMissingBlobs', { query: { limit: '0' } }),
      400,
      'InvalidRequest',
    )
  })
})
