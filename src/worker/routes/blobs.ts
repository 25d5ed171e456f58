import { parseCidSafe } from '@atproto/lex-data'
import { isValidTid } from '@atproto/syntax'
import type { BlobMeta } from '../../actors/repo'
import { createLogger } from '../../shared/logger'
import { invalidRequest, XRPCError } from '../../shared/xrpc-error'
import { carriesOwnerCredential } from '../auth'
import { type ByteRange, parseRange } from '../blob-range'
import { availableRepo } from '../owner-repo'
import type { XrpcContext, XrpcMethods } from '../xrpc-context'

const log = createLogger('http')

const blobNotFound = () => invalidRequest('Blob not found', 'BlobNotFound')

/** A blob CID parameter: any CID string; blobs this PDS stores are CIDv1 raw. */
function cidParam(ctx: XrpcContext, name: string): string {
  const cid = ctx.params.string(name)
  if (!parseCidSafe(cid)) throw invalidRequest(`Invalid CID: ${cid}`)
  return cid
}

/** Headers that keep a browser from rendering or sniffing blob bytes served from the PDS origin. */
function blobHeaders(meta: BlobMeta, range: ByteRange | null): Headers {
  const headers = new Headers({
    'content-type': meta.mimeType,
    'content-length': String(range ? range.length : meta.size),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'content-disposition': `attachment; filename="${meta.cid}"`,
    'accept-ranges': 'bytes',
    etag: `"${meta.cid}"`,
  })
  if (range)
    headers.set('content-range', `bytes ${range.offset}-${range.offset + range.length - 1}/${meta.size}`)
  return headers
}

/**
 * getBlob: referenced blobs to anyone; a blob no record references yet (just
 * uploaded) only to the owner. Streams from R2, honouring one byte range.
 */
async function getBlob(ctx: XrpcContext): Promise<Response> {
  await availableRepo(ctx)
  const cid = cidParam(ctx, 'cid')
  const meta = await ctx.repo.blobMeta(cid)
  if (!meta || (!meta.referenced && !(await carriesOwnerCredential(ctx.req, ctx.config, ctx.account))))
    throw blobNotFound()
  const range = parseRange(ctx.req.headers.get('range'), meta.size)
  if (range === 'unsatisfiable') {
    throw new XRPCError(416, 'InvalidRange', 'Range Not Satisfiable', {
      'content-range': `bytes */${meta.size}`,
    })
  }
  const status = range ? 206 : 200
  if (ctx.req.method === 'HEAD') return new Response(null, { status, headers: blobHeaders(meta, range) })
  const object = await ctx.env.BLOBS.get(meta.r2Key, range ? { range } : undefined)
  if (!object) {
    // Metadata without bytes: drop the metadata, so listMissingBlobs reports the blob
    // (records still reference it) and uploading it again restores it.
    log.error('blob bytes missing from R2', { cid, key: meta.r2Key })
    await ctx.repo.blobBytesLost(cid, meta.r2Key)
    throw blobNotFound()
  }
  return new Response(object.body, { status, headers: blobHeaders(meta, range) })
}

/** The `limit` and `cursor` of a paged list (1–1000, default 500). */
function page(ctx: XrpcContext): { limit: number; cursor: string | null } {
  const limit = ctx.params.integer('limit', { min: 1, max: 1000, fallback: 500 })
  return { limit, cursor: ctx.params.optionalString('cursor') ?? null }
}

/** A cursor only when the page is full: there may be more. */
const nextCursor = <T>(items: T[], limit: number, key: (item: T) => string) => {
  const last = items.at(-1)
  return items.length === limit && last !== undefined ? { cursor: key(last) } : {}
}

/** getBlob, listBlobs (public, as every sync method) and listMissingBlobs (owner). */
export const blobMethods: XrpcMethods = {
  'com.atproto.sync.getBlob': { type: 'query', handler: getBlob },
  'com.atproto.sync.listBlobs': {
    type: 'query',
    handler: async (ctx) => {
      await availableRepo(ctx)
      const since = ctx.params.optionalString('since') ?? null
      if (since !== null && !isValidTid(since)) throw invalidRequest(`Invalid since: ${since}`)
      const { limit, cursor } = page(ctx)
      const cids = await ctx.repo.listBlobs({ since, cursor, limit })
      return { ...nextCursor(cids, limit, (c) => c), cids }
    },
  },
  'com.atproto.repo.listMissingBlobs': {
    type: 'query',
    auth: 'owner',
    handler: async (ctx) => {
      const { limit, cursor } = page(ctx)
      const blobs = await ctx.repo.listMissingBlobs({ cursor, limit })
      return { ...nextCursor(blobs, limit, (b) => b.cid), blobs }
    },
  },
}
