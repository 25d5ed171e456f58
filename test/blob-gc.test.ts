import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it, vi } from 'vitest'
import { repoStub } from './helpers/actors'
import { type BlobOutput, getBlob, noise, r2HasBlob, r2Keys, upload } from './helpers/blobs'
import { OWNER, xrpc } from './helpers/client'
import { withOpenedRepo } from './helpers/opened-repo'

const THING = 'com.example.album'
const HOUR = 3_600_000

/** A GC sweep as of `nowMs`, run inside the repo actor (tests move time forward this way). */
const sweepBlobs = (nowMs: number) => withOpenedRepo(repoStub(), (r) => r.blobGc.sweep(nowMs))

const ref = (blob: BlobOutput['blob']) => ({
  $type: 'blob',
  ref: blob.ref,
  mimeType: blob.mimeType,
  size: blob.size,
})

async function putRecord(rkey: string, record: Record<string, unknown>): Promise<void> {
  const res = await xrpc('com.atproto.repo.putRecord', {
    body: { repo: OWNER.did, collection: THING, rkey, record: { $type: THING, ...record } },
  })
  if (res.status !== 200) throw new Error(`putRecord: ${res.status} ${await res.text()}`)
}

async function deleteRecord(rkey: string): Promise<void> {
  const res = await xrpc('com.atproto.repo.deleteRecord', {
    body: { repo: OWNER.did, collection: THING, rkey },
  })
  if (res.status !== 200) throw new Error(`deleteRecord: ${res.status}`)
}

/** True when neither the metadata nor the R2 bytes of `cid` remain. */
async function gone(cid: string, r2Key: string): Promise<boolean> {
  return (await repoStub().blobMeta(cid)) === null && (await env.BLOBS.head(r2Key)) === null
}

async function uploadOne(seed: number): Promise<{ blob: BlobOutput['blob']; cid: string; r2Key: string }> {
  const { blob } = await upload(noise(256, seed))
  const meta = await repoStub().blobMeta(blob.ref.$link)
  if (!meta) throw new Error('blob not recorded')
  return { blob, cid: blob.ref.$link, r2Key: meta.r2Key }
}

describe('blob garbage collection', () => {
  it('deletes a never-referenced blob once the grace period (6 h) has passed, not before', async () => {
    const { cid, r2Key } = await uploadOne(1)
    const t0 = Date.now()
    await sweepBlobs(t0 + 5 * HOUR)
    expect(await r2HasBlob(cid)).toBe(true)
    const { deletedBlobs } = await sweepBlobs(t0 + 6 * HOUR + 60_000)
    expect(deletedBlobs).toContain(cid)
    expect(await gone(cid, r2Key)).toBe(true)
  })

  it('deletes a blob once the record referencing it is deleted', async () => {
    const { blob, cid, r2Key } = await uploadOne(2)
    await putRecord('orphan-delete', { pic: ref(blob) })
    await deleteRecord('orphan-delete')
    await sweepBlobs(Date.now()) // the alarm may already have done it
    expect(await gone(cid, r2Key)).toBe(true)
  })

  it('deletes a blob once the record referencing it is updated away', async () => {
    const { blob, cid, r2Key } = await uploadOne(3)
    await putRecord('orphan-update', { pic: ref(blob) })
    await putRecord('orphan-update', { pic: null })
    await sweepBlobs(Date.now())
    expect(await gone(cid, r2Key)).toBe(true)
  })

  it('runs from the actor alarm after a write orphans a blob', async () => {
    const { blob, cid, r2Key } = await uploadOne(4)
    await putRecord('orphan-alarm', { pic: ref(blob) })
    await deleteRecord('orphan-alarm')
    // Either the alarm has already run, or it is running (then it finishes within the bound),
    // or it is pending and runs now.
    await runDurableObjectAlarm(repoStub())
    await vi.waitFor(async () => expect(await gone(cid, r2Key)).toBe(true), { timeout: 5000, interval: 50 })
  })

  it('never removes a blob a record references, however late the sweep', async () => {
    const { blob, cid } = await uploadOne(5)
    await putRecord('kept', { pic: ref(blob) })
    const t0 = Date.now()
    for (const hours of [0, 7, 24 * 365]) await sweepBlobs(t0 + hours * HOUR)
    expect(await r2HasBlob(cid)).toBe(true)
    expect((await getBlob(cid)).status).toBe(200)
  })

  it('gives an orphan a fresh grace period when its bytes are uploaded again', async () => {
    const { blob, cid } = await uploadOne(6)
    await putRecord('reupload', { pic: ref(blob) })
    await deleteRecord('reupload')
    // Whether or not the alarm collected the orphan meanwhile, the upload makes it a fresh temporary blob.
    await upload(noise(256, 6))
    const t0 = Date.now()
    await sweepBlobs(t0 + HOUR)
    expect(await r2HasBlob(cid)).toBe(true)
    await sweepBlobs(t0 + 7 * HOUR)
    expect(await r2HasBlob(cid)).toBe(false)
  })

  it('deletes the bytes of a duplicate upload and of an upload that never finished', async () => {
    await uploadOne(7)
    const before = new Set(await r2Keys())
    await upload(noise(256, 7)) // the same bytes: a second object, then cleaned up
    const { r2Key: abandoned } = await repoStub().beginBlobUpload()
    await env.BLOBS.put(abandoned, noise(10)) // a Worker that died before finishing
    await sweepBlobs(Date.now() + 6 * HOUR + 60_000)
    expect((await r2Keys()).filter((k) => !before.has(k))).toEqual([])
    expect(await env.BLOBS.head(abandoned)).toBeNull()
  })
})

describe('blob GC schedule', () => {
  it('sets the actor alarm no later than the expiry of a new upload', async () => {
    await uploadOne(9)
    const { deadline, alarm } = await runInDurableObject(repoStub(), async (_a, state) => ({
      deadline: state.storage.sql
        .exec<{ due_at: number }>("SELECT due_at FROM alarm_schedule WHERE purpose = 'blob-gc'")
        .toArray()[0]?.due_at,
      alarm: await state.storage.getAlarm(),
    }))
    expect(deadline).toBeLessThanOrEqual(Date.now() + 6 * HOUR)
    expect(alarm).not.toBeNull()
    expect(alarm).toBeLessThanOrEqual(deadline ?? 0)
  })
})
