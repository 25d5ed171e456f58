import { env, runDurableObjectAlarm, runInDurableObject, SELF } from 'cloudflare:test'
import { readCarWithRoot, verifyRepo } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { SqlAlarmDeadlines } from '../../src/actors/repo/schedule/sql-alarm-deadlines'
import type { StatusView } from '../../src/worker/status/gather'
import { repoStub } from '../helpers/actors'
import { BASE_URL, OWNER, xrpc } from '../helpers/client'
import { withOpenedRepo } from '../helpers/opened-repo'
import { ownerDidKey } from '../helpers/signed-commit'
import { repoHead } from '../helpers/xrpc-expect'

// This pool runs with BACKUP_EVERY_HOURS=1 and BACKUP_KEEP=2 (vitest.config.ts).
const HOUR = 3_600_000
const KEEP = 2
const PREFIX = `snapshots/${OWNER.did}/`
const COLLECTION = 'com.example.snapshot'

async function snapshotKeys(): Promise<string[]> {
  const listed = await env.BLOBS.list({ prefix: PREFIX })
  return listed.objects.map((o) => o.key).sort()
}

async function write(text: string): Promise<void> {
  const res = await xrpc('com.atproto.repo.createRecord', {
    body: { repo: OWNER.did, collection: COLLECTION, record: { $type: COLLECTION, text } },
  })
  expect(res.status).toBe(200)
  await res.body?.cancel()
}

/**
 * Makes the snapshot slot due now and runs the actor's alarm handler. The DO alarm itself is
 * set an hour on, so the runtime does not fire it meanwhile: this call is the one run.
 */
async function fireSnapshotAlarm(): Promise<void> {
  await runInDurableObject(repoStub(), async (_actor, state) => {
    new SqlAlarmDeadlines(state.storage.sql).replace('snapshot', Date.now())
    await state.storage.setAlarm(Date.now() + HOUR)
  })
  expect(await runDurableObjectAlarm(repoStub())).toBe(true)
}

async function getRepoBytes(): Promise<Uint8Array> {
  const res = await xrpc('com.atproto.sync.getRepo', { query: { did: OWNER.did }, auth: false })
  expect(res.status).toBe(200)
  return new Uint8Array(await res.arrayBuffer())
}

async function status(headers: Record<string, string> = {}): Promise<StatusView> {
  const res = await SELF.fetch(new URL('/', BASE_URL), {
    headers: { accept: 'application/json', ...headers },
  })
  expect(res.status).toBe(200)
  return (await res.json()) as StatusView
}

// The tests share the one repo actor and bucket, in order.
describe('scheduled repo snapshots', () => {
  it('takes the first snapshot on the alarm right after the actor opens', async () => {
    const head = await repoHead() // opens the actor, which makes the first slot due now
    await runDurableObjectAlarm(repoStub()) // false when the runtime already fired it
    // A run now finds the head's snapshot already there: the alarm wrote it.
    const run = await withOpenedRepo(repoStub(), (r) => r.snapshots.run(Date.now()))
    expect(run.written).toBeNull()
    expect(await snapshotKeys()).toEqual([`${PREFIX}${head.rev}.car`])
  })

  it('after writes, the alarm writes a CAR that verifies and equals what getRepo serves', async () => {
    await write('one')
    await write('two')
    const head = await repoHead()
    const before = Date.now()
    await fireSnapshotAlarm()
    const key = `${PREFIX}${head.rev}.car`
    expect(await snapshotKeys()).toContain(key)

    const object = await env.BLOBS.get(key)
    if (!object) throw new Error('no snapshot object')
    const bytes = new Uint8Array(await object.arrayBuffer())
    expect(object.size).toBe(bytes.byteLength)
    expect(object.httpMetadata?.contentType).toBe('application/vnd.ipld.car')
    expect(object.customMetadata).toMatchObject({
      rev: head.rev,
      commit: head.cid,
      size: String(bytes.length),
    })
    expect(Date.parse(object.customMetadata?.time ?? '')).toBeGreaterThanOrEqual(before - 1000)

    const car = await readCarWithRoot(bytes)
    const verified = await verifyRepo(car.blocks, car.root, OWNER.did, await ownerDidKey())
    expect(verified.commit.rev).toBe(head.rev)
    expect(verified.creates.filter((c) => c.collection === COLLECTION)).toHaveLength(2)
    expect(bytes).toEqual(await getRepoBytes())

    // The next slot is an hour on.
    const next = await withOpenedRepo(repoStub(), (r) => r.snapshots.status())
    expect(Date.parse(next.next ?? '')).toBeGreaterThanOrEqual(before + HOUR)
  })

  it('writes nothing when the head has not moved since the last snapshot', async () => {
    const keys = await snapshotKeys()
    const newest = keys.at(-1) ?? ''
    const uploaded = (await env.BLOBS.head(newest))?.uploaded.getTime()
    await fireSnapshotAlarm()
    expect(await snapshotKeys()).toEqual(keys)
    expect((await env.BLOBS.head(newest))?.uploaded.getTime()).toBe(uploaded)
  })

  it(`keeps only the newest ${KEEP} and deletes the older ones`, async () => {
    const revs: string[] = []
    for (const text of ['three', 'four', 'five']) {
      await write(text)
      revs.push((await repoHead()).rev)
      await fireSnapshotAlarm()
    }
    expect(await snapshotKeys()).toEqual(revs.slice(-KEEP).map((rev) => `${PREFIX}${rev}.car`))
  })

  it("lists the snapshots and the next slot on the owner's status view only", async () => {
    const keys = await snapshotKeys()
    const owner = await status({ authorization: `Bearer ${OWNER.authToken}` })
    expect(owner.owner).toBe(true)
    expect(owner.backups).toMatchObject({ on: true, everyHours: 1, keep: KEEP })
    expect(Date.parse(owner.backups.next ?? '')).toBeGreaterThan(Date.now())
    const listed = owner.backups.snapshots ?? []
    expect(listed.map((s) => s.key)).toEqual([...keys].reverse()) // newest first
    for (const s of listed) {
      const object = await env.BLOBS.head(s.key)
      expect(s.size).toBe(object?.size)
      expect(s.rev).toBe(object?.customMetadata?.rev)
      expect(Date.parse(s.time)).toBe(object?.uploaded.getTime())
    }

    const pub = await status()
    expect(pub.owner).toBe(false)
    expect(pub.backups).toEqual({ on: true })
    expect(JSON.stringify(pub)).not.toContain('snapshots/')

    const html = async (headers: Record<string, string>) =>
      (await SELF.fetch(new URL('/', BASE_URL), { headers: { accept: 'text/html', ...headers } })).text()
    const ownerHtml = await html({ authorization: `Bearer ${OWNER.authToken}` })
    for (const s of listed) expect(ownerHtml).toContain(`<code data-k="snapshot">${s.rev}</code>`)
    expect(ownerHtml).toMatch(/every 1 hour, the newest 2 kept/)
    const publicHtml = await html({})
    expect(publicHtml).toContain('<span data-k="backups">on</span>')
    expect(publicHtml).not.toContain('data-k="snapshot"')
  })

  it('never lets a snapshot key meet a blob key', async () => {
    const { r2Key } = await repoStub().beginBlobUpload()
    expect(r2Key.startsWith('snapshots/')).toBe(false)
    expect((await snapshotKeys()).every((k) => k.startsWith(PREFIX) && k.endsWith('.car'))).toBe(true)
  })
})
