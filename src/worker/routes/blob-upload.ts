import { invalidRequest, XRPCError } from '../../shared/xrpc-error'
import { unwrap } from '../actor-errors'
import { callerPermissions } from '../auth/permissions/permissions'
import { BlobIngest } from '../blob-ingest'
import { declaredMimeType } from '../blob-mime'
import { writeBlobToR2 } from '../blob-r2-write'
import type { Metered, PreparingContext, XrpcMethods } from '../xrpc-context'

/** The declared body length, or null for a chunked upload. */
function contentLength(req: Request): number | null {
  const raw = req.headers.get('content-length')
  if (raw === null) return null
  if (!/^\d+$/.test(raw.trim())) throw invalidRequest('Invalid Content-Length')
  return Number(raw)
}

/**
 * uploadBlob: the Worker streams the body into R2 while hashing it; nothing holds
 * the whole body (see `writeBlobToR2`). R2 has no rename and the CID is only known
 * at the end, so the bytes stay under the random key the repo actor reserved for
 * them, and the actor records `cid → key` when the upload finishes. A reserved key
 * that is never claimed (a failed or abandoned upload) or a duplicate of a blob the
 * PDS already holds is deleted by blob GC; a failed upload also deletes it at once.
 */
async function uploadBlob(ctx: PreparingContext): Promise<Metered> {
  const limit = ctx.config.blobUploadLimit
  const length = contentLength(ctx.req)
  if (length !== null && length > limit)
    throw new XRPCError(413, 'PayloadTooLarge', `Request body is larger than ${limit} bytes`)
  // A declared length is charged before a byte is read; a chunked upload only needs room
  // left, and its size is charged once known (so it can overshoot the quota by one upload).
  return {
    usage: { blobBytes: length ?? 0 },
    run: async ({ auth }, admitted) => {
      // blob: permissions name the declared type, the one the blob is stored and served as.
      callerPermissions(auth).assertBlob(declaredMimeType(ctx.req.headers.get('content-type')))
      const blob = await storeBlob(ctx, limit, length)
      if (length === null) await ctx.account.chargeUsage(admitted.quotaKey, { blobBytes: blob.size })
      return { blob }
    },
  }
}

async function storeBlob(ctx: PreparingContext, limit: number, length: number | null) {
  const mimeType = declaredMimeType(ctx.req.headers.get('content-type'))
  const body = ctx.req.body ?? new Blob([]).stream()
  const { r2Key } = await ctx.repo.beginBlobUpload()
  const ingest = new BlobIngest(limit, mimeType)
  try {
    await writeBlobToR2(ctx.env.BLOBS, r2Key, body.pipeThrough(ingest.stream), length, mimeType)
  } catch (e) {
    await ctx.env.BLOBS.delete(r2Key).catch(() => undefined)
    throw ingest.failure ?? e
  }
  const { cid, size } = await ingest.result()
  const finished = await ctx.repo.finishBlobUpload({ r2Key, cid, mimeType, size })
  if (!finished.ok) await ctx.env.BLOBS.delete(r2Key).catch(() => undefined)
  unwrap(finished)
  return { $type: 'blob', ref: { $link: cid }, mimeType, size }
}

/** `com.atproto.repo.uploadBlob`; the owner, or the video service with the owner's service JWT. */
export const blobUploadMethods: XrpcMethods = {
  'com.atproto.repo.uploadBlob': { type: 'procedure', auth: 'owner-or-service', metered: uploadBlob },
}
