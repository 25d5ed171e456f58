import type { AtpAgent } from '@atproto/api'
import { XRPCError } from '@atproto/xrpc'
import { POSTS, postRkey } from './records'
import type { RepoWriter } from './repo-writer'

/** A 1×1 PNG, small and valid, so the upload is a real image. */
const PNG = Uint8Array.from(
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
    'base64',
  ),
)

/** What the blob step did: skipped when the PDS has no `uploadBlob` yet. */
export type BlobPostResult = { skipped: true; reason: string } | { skipped: false; cid: string }

/**
 * Uploads a PNG and writes a post embedding it, then reads the blob back through
 * `com.atproto.sync.getBlob`. Skips (and says so) when `uploadBlob` answers 501.
 */
export async function blobPost(agent: AtpAgent, w: RepoWriter, did: string): Promise<BlobPostResult> {
  let blob: Awaited<ReturnType<AtpAgent['com']['atproto']['repo']['uploadBlob']>>['data']['blob']
  try {
    blob = (await agent.com.atproto.repo.uploadBlob(PNG, { encoding: 'image/png' })).data.blob
  } catch (e) {
    if (e instanceof XRPCError && e.status === 501) return { skipped: true, reason: `uploadBlob: ${e.error}` }
    throw e
  }
  const embed = { $type: 'app.bsky.embed.images', images: [{ alt: 'pixel', image: blob }] }
  const record = { $type: POSTS, text: 'e2e blob', createdAt: '2026-01-01T00:00:00.000Z', embed }
  await w.create(POSTS, postRkey(3, 0), record)
  const cid = blob.ref.toString()
  const { data } = await agent.com.atproto.sync.getBlob({ did, cid })
  if (Buffer.compare(Buffer.from(data), Buffer.from(PNG)) !== 0)
    throw new Error('getBlob bytes differ from the upload')
  return { skipped: false, cid }
}
