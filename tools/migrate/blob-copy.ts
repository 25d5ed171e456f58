import type { AtpAgent } from '@atproto/api'
import { blobCid } from '../backup/blob-cid'

/**
 * Copies every blob the new host lists as missing (`listMissingBlobs`) from the old host
 * (`getBlob`, bytes checked against the CID) to the new one (`uploadBlob`, the CID it reports
 * checked too). What is already uploaded is not listed, so a re-run copies only the rest.
 */
export async function copyMissingBlobs(o: {
  old: AtpAgent
  neu: AtpAgent
  did: string
  /** How far: blobs copied in this run, and the total this run found missing. */
  progress: (done: number, total: number) => void
}): Promise<{ copied: number; alreadyThere: number }> {
  const missing: string[] = []
  let cursor: string | undefined
  do {
    const { data } = await o.neu.com.atproto.repo.listMissingBlobs({ limit: 500, cursor })
    missing.push(...data.blobs.map((b) => b.cid))
    cursor = data.blobs.length > 0 ? data.cursor : undefined
  } while (cursor)
  const { data: status } = await o.neu.com.atproto.server.checkAccountStatus()
  o.progress(0, missing.length)
  for (const [i, cid] of missing.entries()) {
    const got = await o.old.com.atproto.sync.getBlob({ did: o.did, cid })
    const bytes = got.data
    const actual = await blobCid(bytes)
    if (actual !== cid) throw new Error(`getBlob ${cid} at the old host: the bytes hash to ${actual}`)
    const mime = got.headers['content-type'] ?? 'application/octet-stream'
    const { data } = await o.neu.com.atproto.repo.uploadBlob(bytes, { encoding: mime })
    const stored = data.blob.ref.toString()
    if (stored !== cid) throw new Error(`uploadBlob ${cid}: the new host stored ${stored}`)
    o.progress(i + 1, missing.length)
  }
  return { copied: missing.length, alreadyThere: status.importedBlobs }
}
