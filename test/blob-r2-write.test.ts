import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { PART_SIZE, writeBlobToR2 } from '../src/worker/blob-r2-write'
import { chunkedBody, noise, sha256Hex } from './helpers/blobs'

const key = () => `test-r2-write/${crypto.randomUUID()}`

/** A stream of `bytes` that errors instead of ending. */
function failingBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let sent = false
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) return controller.error(new Error('client went away'))
      sent = true
      controller.enqueue(bytes)
    },
  })
}

/** The SHA-256 of what R2 holds under `k`, or null. */
async function stored(k: string): Promise<string | null> {
  const object = await env.BLOBS.get(k)
  return object ? sha256Hex(await object.arrayBuffer()) : null
}

describe('writeBlobToR2', () => {
  it('writes a body of known length in one put, with its content type', async () => {
    const k = key()
    const body = noise(300_000, 1)
    await writeBlobToR2(env.BLOBS, k, chunkedBody(body), body.length, 'image/png')
    expect(await stored(k)).toBe(await sha256Hex(body))
    expect((await env.BLOBS.head(k))?.httpMetadata?.contentType).toBe('image/png')
  })

  it('writes a body of unknown length as multipart parts, the last one short', async () => {
    const k = key()
    const body = noise(2 * PART_SIZE + 777, 2)
    await writeBlobToR2(env.BLOBS, k, chunkedBody(body, 123_457), null, 'video/mp4')
    expect(await stored(k)).toBe(await sha256Hex(body))
  })

  it('writes exactly one part and a small body of unknown length', async () => {
    const exact = noise(PART_SIZE, 3)
    const k1 = key()
    await writeBlobToR2(env.BLOBS, k1, chunkedBody(exact), null, 'application/octet-stream')
    expect(await stored(k1)).toBe(await sha256Hex(exact))
    const k2 = key()
    await writeBlobToR2(env.BLOBS, k2, chunkedBody(noise(10, 4)), null, 'application/octet-stream')
    expect(await stored(k2)).toBe(await sha256Hex(noise(10, 4)))
  })

  it.each([
    ['known length', 1_000_000 as number | null],
    ['unknown length, one part', null],
  ])('stores nothing when the body fails (%s)', async (_name, length) => {
    const k = key()
    await expect(
      writeBlobToR2(env.BLOBS, k, failingBody(noise(200_000)), length, 'application/octet-stream'),
    ).rejects.toThrow()
    expect(await env.BLOBS.head(k)).toBeNull()
  })

  it('stores nothing and aborts the multipart upload when a body of several parts fails', async () => {
    const k = key()
    const parts = chunkedBody(noise(PART_SIZE + 10, 5), 1_000_000)
    const reader = parts.getReader()
    let n = 0
    const failing = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read()
        if (done || ++n > 6) return controller.error(new Error('cut off after the first part'))
        controller.enqueue(value)
      },
    })
    await expect(writeBlobToR2(env.BLOBS, k, failing, null, 'application/octet-stream')).rejects.toThrow()
    expect(await env.BLOBS.head(k)).toBeNull()
  })

  it('fails when the body is shorter than its declared length', async () => {
    const k = key()
    await expect(
      writeBlobToR2(env.BLOBS, k, chunkedBody(noise(100)), 200, 'application/octet-stream'),
    ).rejects.toThrow()
    expect(await env.BLOBS.head(k)).toBeNull()
  })
})
