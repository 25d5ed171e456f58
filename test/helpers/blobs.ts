import { env } from 'cloudflare:test'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { repoStub } from './actors'
import { BASE_URL, OWNER, workerFetch } from './client'

/** CIDv1, raw codec, sha2-256 of `bytes`, computed independently of the PDS (WebCrypto + multiformats). */
export async function rawCid(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return CID.createV1(0x55, createDigest(0x12, digest)).toString()
}

/** Hex SHA-256, for comparing large byte arrays (deep equality on megabytes is very slow). */
export async function sha256Hex(bytes: Uint8Array | ArrayBuffer): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  out.set(new TextEncoder().encode(type), 4)
  out.set(data, 8)
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)))
  return out
}

const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** A valid 1×1 grayscale PNG whose one pixel has value `shade` (different shades, different CIDs). */
export async function tinyPng(shade = 0xff): Promise<Uint8Array> {
  const ihdr = new Uint8Array(13)
  const view = new DataView(ihdr.buffer)
  view.setUint32(0, 1)
  view.setUint32(4, 1)
  ihdr.set([8, 0, 0, 0, 0], 8) // bit depth 8, grayscale, deflate, no filter, no interlace
  const scanline = new Blob([new Uint8Array([0, shade])])
    .stream()
    .pipeThrough(new CompressionStream('deflate'))
  const idat = new Uint8Array(await new Response(scanline).arrayBuffer())
  return concat([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', new Uint8Array(0)),
  ])
}

/** Deterministic pseudo-random bytes (xorshift), so big bodies do not compress or repeat. */
export function noise(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size)
  let x = seed >>> 0 || 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

/** A body with no Content-Length (sent chunked), in `chunk`-byte pieces. */
export function chunkedBody(bytes: Uint8Array, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let at = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(at, at + chunk))
      at += chunk
    },
  })
}

export type BlobOutput = { blob: { $type: string; ref: { $link: string }; mimeType: string; size: number } }

/** POSTs `body` to uploadBlob; `token: null` sends no credentials. */
export function uploadRaw(
  body: BodyInit | null,
  contentType: string | null,
  token: string | null = OWNER.authToken,
): Promise<Response> {
  const headers: Record<string, string> = {}
  if (token !== null) headers.authorization = `Bearer ${token}`
  if (contentType !== null) headers['content-type'] = contentType
  const init: RequestInit & { duplex?: string } = { method: 'POST', headers, body }
  if (body instanceof ReadableStream) init.duplex = 'half'
  return workerFetch(new URL('/xrpc/com.atproto.repo.uploadBlob', BASE_URL), init)
}

/** Uploads and returns the blob ref; throws unless it succeeds. */
export async function upload(
  bytes: Uint8Array,
  contentType = 'application/octet-stream',
): Promise<BlobOutput> {
  const res = await uploadRaw(bytes, contentType)
  if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as BlobOutput
}

/** GET getBlob, optionally as the owner and with extra headers. */
export function getBlob(
  cid: string,
  opts: { auth?: boolean; headers?: Record<string, string>; did?: string; method?: string } = {},
): Promise<Response> {
  const url = new URL('/xrpc/com.atproto.sync.getBlob', BASE_URL)
  url.searchParams.set('did', opts.did ?? OWNER.did)
  url.searchParams.set('cid', cid)
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.auth) headers.authorization = `Bearer ${OWNER.authToken}`
  return workerFetch(url, { method: opts.method ?? 'GET', headers })
}

/** Whether R2 holds the bytes the repo actor has on record for `cid`. */
export async function r2HasBlob(cid: string): Promise<boolean> {
  const meta = await repoStub().blobMeta(cid)
  return meta !== null && (await env.BLOBS.head(meta.r2Key)) !== null
}

/** Every R2 key under the blob prefix. */
export async function r2Keys(): Promise<string[]> {
  const keys: string[] = []
  let cursor: string | undefined
  do {
    const page = await env.BLOBS.list({ prefix: 'blobs/', cursor })
    keys.push(...page.objects.map((o) => o.key))
    cursor = page.truncated ? page.cursor : undefined
  } while (cursor)
  return keys
}
