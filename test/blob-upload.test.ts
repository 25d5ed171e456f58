import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { app } from '../src/worker/app'
import {
  type BlobOutput,
  chunkedBody,
  getBlob,
  noise,
  r2Keys,
  rawCid,
  sha256Hex,
  tinyPng,
  upload,
  uploadRaw,
} from './helpers/blobs'
import { BASE_URL, OWNER } from './helpers/client'
import { expectXrpcError } from './helpers/xrpc-expect'

/** The Worker's app with settings overridden: the env-injection seam for limits. */
async function uploadWithEnv(
  overrides: Partial<Env>,
  body: BodyInit,
  headers: Record<string, string> = {},
): Promise<Response> {
  const init: RequestInit & { duplex?: string } = {
    method: 'POST',
    headers: { authorization: `Bearer ${OWNER.authToken}`, ...headers },
    body,
  }
  if (body instanceof ReadableStream) init.duplex = 'half'
  return app.request(`${BASE_URL}/xrpc/com.atproto.repo.uploadBlob`, init, { ...env, ...overrides })
}

/** Runs `fn` and checks that it left no new R2 object behind (GC may remove old ones meanwhile). */
async function expectNothingKept(fn: () => Promise<void>): Promise<void> {
  const before = new Set(await r2Keys())
  await fn()
  expect((await r2Keys()).filter((k) => !before.has(k))).toEqual([])
}

describe('uploadBlob', () => {
  it('stores a PNG and answers with its blob ref, served to the owner before any record uses it', async () => {
    const png = await tinyPng()
    const res = await uploadRaw(png, 'image/png')
    expect(res.status).toBe(200)
    const out = (await res.json()) as BlobOutput
    expect(out).toEqual({
      blob: { $type: 'blob', ref: { $link: await rawCid(png) }, mimeType: 'image/png', size: png.length },
    })
    const served = await getBlob(out.blob.ref.$link, { auth: true })
    expect(served.status).toBe(200)
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png)
    // Nobody else sees a blob no record references.
    await expectXrpcError(await getBlob(out.blob.ref.$link), 400, 'BlobNotFound')
  })

  it('streams a 5 MB body with Content-Length; the CID matches an independent hash', async () => {
    const body = noise(5_000_000, 7)
    const { blob } = await upload(body)
    expect(blob.ref.$link).toBe(await rawCid(body))
    expect(blob.size).toBe(body.length)
    const served = await getBlob(blob.ref.$link, { auth: true })
    expect(served.headers.get('content-length')).toBe(String(body.length))
    expect(await sha256Hex(await served.arrayBuffer())).toBe(await sha256Hex(body))
  })

  it('streams a chunked body (no Content-Length) of several R2 parts', async () => {
    const body = noise(11 * 1024 * 1024 + 12_345, 11)
    const res = await uploadRaw(chunkedBody(body, 100_000), 'application/octet-stream')
    expect(res.status).toBe(200)
    const { blob } = (await res.json()) as BlobOutput
    expect(blob).toMatchObject({ ref: { $link: await rawCid(body) }, size: body.length })
    const served = await getBlob(blob.ref.$link, { auth: true })
    expect(await sha256Hex(await served.arrayBuffer())).toBe(await sha256Hex(body))
  })

  it('answers the same CID for the same bytes uploaded twice', async () => {
    const body = noise(1000, 3)
    const first = await upload(body, 'text/plain')
    const second = await upload(body, 'text/plain')
    expect(second.blob.ref.$link).toBe(first.blob.ref.$link)
  })

  it('requires authentication and keeps nothing without it', async () => {
    await expectNothingKept(async () => {
      await expectXrpcError(
        await uploadRaw(await tinyPng(), 'image/png', null),
        401,
        'AuthenticationRequired',
      )
      await expectXrpcError(await uploadRaw(await tinyPng(), 'image/png', 'wrong-token'), 400, 'InvalidToken')
    })
  })

  it('refuses content that does not match a known declared type, keeping nothing', async () => {
    const png = await tinyPng()
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...noise(500)])
    await expectNothingKept(async () => {
      await expectXrpcError(await uploadRaw(jpeg, 'image/png'), 400, 'InvalidRequest')
      await expectXrpcError(await uploadRaw(png, 'image/jpeg'), 400, 'InvalidRequest')
      await expectXrpcError(await uploadRaw(png.slice(0, 4), 'image/png'), 400, 'InvalidRequest')
      await expectXrpcError(await uploadRaw(chunkedBody(jpeg, 5), 'image/gif'), 400, 'InvalidRequest')
      await expectXrpcError(await uploadRaw(noise(2000), 'video/mp4'), 400, 'InvalidRequest')
    })
  })

  it('passes unknown types through as given, and defaults a missing type', async () => {
    const custom = await upload(noise(100, 5), 'Application/X-Custom; v=1')
    expect(custom.blob.mimeType).toBe('application/x-custom')
    const res = await uploadRaw(noise(100, 6), null)
    expect(res.status).toBe(200)
    expect(((await res.json()) as BlobOutput).blob.mimeType).toBe('application/octet-stream')
    const video = new Uint8Array([0, 0, 0, 0x20, ...new TextEncoder().encode('ftypisom'), ...noise(300)])
    expect((await upload(video, 'video/mp4')).blob.mimeType).toBe('video/mp4')
  })

  it('accepts an empty blob', async () => {
    const { blob } = await upload(new Uint8Array(0))
    expect(blob).toMatchObject({ ref: { $link: await rawCid(new Uint8Array(0)) }, size: 0 })
  })
})

describe('uploadBlob size limit (BLOB_UPLOAD_LIMIT)', () => {
  const limit = { BLOB_UPLOAD_LIMIT: '1000' }

  it('refuses a declared Content-Length over the limit with 413 before reading the body', async () => {
    await expectNothingKept(async () => {
      const res = await uploadWithEnv(limit, noise(1001), { 'content-length': '1001' })
      await expectXrpcError(res, 413, 'PayloadTooLarge')
    })
  })

  it('stops a streamed body that grows past the limit with BlobTooLarge, keeping nothing', async () => {
    await expectNothingKept(async () => {
      const res = await uploadWithEnv(limit, chunkedBody(noise(5000), 300))
      await expectXrpcError(res, 400, 'BlobTooLarge')
    })
  })

  it('accepts a blob of exactly the limit', async () => {
    const body = noise(1000, 9)
    const res = await uploadWithEnv(limit, chunkedBody(body, 300))
    expect(res.status).toBe(200)
    expect(((await res.json()) as BlobOutput).blob.ref.$link).toBe(await rawCid(body))
  })

  it('fails with a 500 naming the setting when it is broken', async () => {
    const res = await uploadWithEnv({ BLOB_UPLOAD_LIMIT: 'a lot' }, noise(10))
    const body = await expectXrpcError(res, 500, 'InvalidConfig')
    expect(body.message).toMatch(/BLOB_UPLOAD_LIMIT/)
  })
})
