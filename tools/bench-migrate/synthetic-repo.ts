import { TID } from '@atproto/common-web'
import { Secp256k1Keypair } from '@atproto/crypto'
import { blocksToCarFile, MemoryBlockstore, type RecordCreateOp, Repo, WriteOpAction } from '@atproto/repo'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { distinctPng } from '../../test/e2e/workload/migration-account'

/** A blob the repo references, with the bytes to upload after the import. */
export type SyntheticBlob = { cid: string; bytes: Uint8Array }

/**
 * A repo of `records` posts for `did`, built in memory with `@atproto/repo` and signed by a
 * throwaway key (the old host's), the first `blobs` of them each embedding a distinct PNG.
 * Returns its CAR, as `getRepo` at the old host would serve it.
 */
export async function syntheticRepo(
  did: string,
  records: number,
  blobs: number,
): Promise<{ car: Uint8Array; blobs: SyntheticBlob[] }> {
  const storage = new MemoryBlockstore()
  const keypair = await Secp256k1Keypair.create()
  const made: SyntheticBlob[] = []
  const createdAt = '2026-01-01T00:00:00.000Z'
  const writes: RecordCreateOp[] = []
  for (let i = 0; i < records; i++) {
    const record: Record<string, unknown> = { $type: 'app.bsky.feed.post', text: `post ${i}`, createdAt }
    if (i < blobs) {
      const bytes = distinctPng(i)
      const cid = CID.createV1(0x55, await sha256.digest(bytes))
      made.push({ cid: cid.toString(), bytes })
      const image = { $type: 'blob', ref: cid, mimeType: 'image/png', size: bytes.byteLength }
      record.embed = { $type: 'app.bsky.embed.images', images: [{ alt: `picture ${i}`, image }] }
    }
    writes.push({
      action: WriteOpAction.Create,
      collection: 'app.bsky.feed.post',
      rkey: TID.nextStr(),
      record: record as never,
    })
  }
  const repo = await Repo.create(storage, did, keypair, writes)
  return { car: await blocksToCarFile(repo.cid, storage.blocks), blobs: made }
}
