import { NOTES, note, POSTS, PROFILE, post, postRkey, profile } from './records'
import type { BatchWrite, RepoWriter } from './repo-writer'

/** Series numbers keep each phase's rkeys apart. */
const SERIES = { single: 1, batch: 2 }
const CREATES = 30

/** 30 createRecord posts. */
export async function createPosts(w: RepoWriter): Promise<void> {
  for (let i = 0; i < CREATES; i++) await w.create(POSTS, postRkey(SERIES.single, i), post(`post ${i}`))
}

/**
 * putRecord (profile created, then updated; 10 posts edited), deleteRecord (8 posts), then
 * 5 applyWrites batches of 4 creates, 3 updates and 2 deletes each.
 */
export async function editAndDelete(w: RepoWriter): Promise<void> {
  await w.put(PROFILE, 'self', profile('E2E owner'))
  await w.put(PROFILE, 'self', profile('E2E owner, renamed'))
  for (let i = 0; i < 10; i++) await w.put(POSTS, postRkey(SERIES.single, i), post(`post ${i}`, 1))
  for (let i = 20; i < 28; i++) await w.delete(POSTS, postRkey(SERIES.single, i))
  for (let b = 0; b < 5; b++) {
    const writes: BatchWrite[] = []
    for (let k = 0; k < 4; k++) {
      const n = b * 4 + k
      writes.push({
        action: 'create',
        collection: POSTS,
        rkey: postRkey(SERIES.batch, n),
        value: post(`batch ${n}`),
      })
    }
    for (let k = 0; k < 3; k++) {
      const i = 8 + b * 2 + k // posts 8..18: some edited twice across batches
      writes.push({
        action: 'update',
        collection: POSTS,
        rkey: postRkey(SERIES.single, i),
        value: post(`post ${i}`, b + 2),
      })
    }
    if (b > 0) {
      // Delete two posts the previous batch created: ops on records created one commit earlier.
      for (let k = 0; k < 2; k++)
        writes.push({ action: 'delete', collection: POSTS, rkey: postRkey(SERIES.batch, (b - 1) * 4 + k) })
    } else {
      for (const i of [28, 29])
        writes.push({ action: 'delete', collection: POSTS, rkey: postRkey(SERIES.single, i) })
    }
    await w.batch(writes)
  }
}

/** The largest commit a relay accepts: one applyWrites of 200 creates (ops ≤ 200). */
export async function maxBatch(w: RepoWriter): Promise<void> {
  const writes: BatchWrite[] = []
  for (let i = 0; i < 200; i++) {
    writes.push({
      action: 'create',
      collection: NOTES,
      rkey: `bulk-${String(i).padStart(3, '0')}`,
      value: note(`bulk ${i}`, 200),
    })
  }
  await w.batch(writes)
}

/** 201 writes, one over the limit: the PDS must refuse them instead of emitting a commit a relay drops. */
export const overLimitBatch = (): BatchWrite[] =>
  Array.from({ length: 201 }, (_, i) => ({
    action: 'create' as const,
    collection: NOTES,
    rkey: `over-${String(i).padStart(3, '0')}`,
    value: note(`over ${i}`),
  }))
