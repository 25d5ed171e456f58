import { deflateSync } from 'node:zlib'
import type { AtpAgent } from '@atproto/api'
import { readCarWithRoot, verifyRepo } from '@atproto/repo'

/** Posts with an image each: the blobs a migration must carry (at least 50). */
export const IMAGE_POSTS = 55

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (bytes: Uint8Array) => {
  let c = 0xffffffff
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const chunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const out = Buffer.alloc(12 + data.length)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), 8 + data.length)
  return out
}

/** A valid 2×2 RGB PNG whose colours depend on `n`, so every image is a distinct blob. */
export function distinctPng(n: number): Uint8Array {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(2, 0)
  ihdr.writeUInt32BE(2, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  const row = (a: number) => [0, a & 0xff, (a >> 8) & 0xff, n & 0xff, (n * 7) & 0xff, (n * 13) & 0xff, 99]
  const raw = Buffer.from([...row(n), ...row(n + 1)])
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

export const PREFERENCES = [
  { $type: 'app.bsky.actor.defs#adultContentPref', enabled: false },
  {
    $type: 'app.bsky.actor.defs#savedFeedsPrefV2',
    items: [{ id: 'home', type: 'timeline', value: 'following', pinned: true }],
  },
]

/**
 * Fills an account as a person's would look: a profile with an avatar, posts with an image
 * each, plain posts, likes of its own posts and follows. Returns how many records it wrote.
 */
export async function fillAccount(agent: AtpAgent, follows: string[]): Promise<number> {
  const repo = agent.assertDid
  const createdAt = new Date().toISOString()
  const avatar = (await agent.com.atproto.repo.uploadBlob(distinctPng(10_000), { encoding: 'image/png' }))
    .data.blob
  await agent.com.atproto.repo.putRecord({
    repo,
    collection: 'app.bsky.actor.profile',
    rkey: 'self',
    record: { $type: 'app.bsky.actor.profile', displayName: 'Alice', description: 'moving house', avatar },
  })
  const posts: { uri: string; cid: string }[] = []
  for (let i = 0; i < IMAGE_POSTS; i++) {
    const image = (await agent.com.atproto.repo.uploadBlob(distinctPng(i), { encoding: 'image/png' })).data
      .blob
    const embed = { $type: 'app.bsky.embed.images', images: [{ alt: `picture ${i}`, image }] }
    const res = await agent.com.atproto.repo.createRecord({
      repo,
      collection: 'app.bsky.feed.post',
      record: { $type: 'app.bsky.feed.post', text: `picture ${i}`, createdAt, embed },
    })
    posts.push(res.data)
  }
  for (let i = 0; i < 5; i++) {
    const res = await agent.com.atproto.repo.createRecord({
      repo,
      collection: 'app.bsky.feed.post',
      record: { $type: 'app.bsky.feed.post', text: `words ${i}`, createdAt },
    })
    posts.push(res.data)
  }
  for (const subject of posts.slice(0, 8)) {
    await agent.com.atproto.repo.createRecord({
      repo,
      collection: 'app.bsky.feed.like',
      record: { $type: 'app.bsky.feed.like', subject, createdAt },
    })
  }
  for (const subject of follows) {
    await agent.com.atproto.repo.createRecord({
      repo,
      collection: 'app.bsky.graph.follow',
      record: { $type: 'app.bsky.graph.follow', subject, createdAt },
    })
  }
  await agent.app.bsky.actor.putPreferences({ preferences: PREFERENCES })
  return 1 + posts.length + 8 + follows.length
}

/** Everything a move must carry, read from one host and verified with `@atproto/repo`. */
export type AccountSnapshot = {
  /** `collection/rkey` → record CID, from a `getRepo` verified against `didKey`. */
  records: Map<string, string>
  /** Blob CID → bytes. */
  blobs: Map<string, Buffer>
  preferences: unknown[]
}

export async function snapshotAccount(
  agent: AtpAgent,
  did: string,
  didKey: string,
): Promise<AccountSnapshot> {
  const car = (await agent.com.atproto.sync.getRepo({ did })).data
  const { root, blocks } = await readCarWithRoot(car)
  const repo = await verifyRepo(blocks, root, did, didKey)
  const records = new Map(repo.creates.map((w) => [`${w.collection}/${w.rkey}`, w.cid.toString()]))
  const blobs = new Map<string, Buffer>()
  let cursor: string | undefined
  do {
    const { data } = await agent.com.atproto.sync.listBlobs({ did, limit: 500, cursor })
    for (const cid of data.cids) {
      blobs.set(cid, Buffer.from((await agent.com.atproto.sync.getBlob({ did, cid })).data))
    }
    cursor = data.cids.length > 0 ? data.cursor : undefined
  } while (cursor)
  const preferences = (await agent.app.bsky.actor.getPreferences()).data.preferences
  return { records, blobs, preferences }
}
