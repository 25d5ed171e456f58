import { describe, expect, it } from 'vitest'
import { prepareRecord } from '../src/worker/record-prep'
import { repoStub } from './helpers/actors'
import { tinyPng, upload } from './helpers/blobs'
import { OWNER, xrpc } from './helpers/client'
import { withOpenedRepo } from './helpers/opened-repo'
import { expectXrpcError } from './helpers/xrpc-expect'

const COLLECTION = 'com.example.gone'
const deactivate = () => xrpc('com.atproto.server.deactivateAccount', { body: {} })
const activate = () => xrpc('com.atproto.server.activateAccount', { body: {} })

describe('a deactivated account', () => {
  it('serves its repo to nobody, refuses record writes, and still takes blobs and preferences', async () => {
    const created = await xrpc('com.atproto.repo.createRecord', {
      body: { repo: OWNER.did, collection: COLLECTION, rkey: 'kept', record: { n: 1 } },
    })
    expect(created.status).toBe(200)
    expect((await deactivate()).status).toBe(200)
    try {
      const reads: [string, Record<string, string>][] = [
        ['com.atproto.repo.describeRepo', { repo: OWNER.did }],
        ['com.atproto.repo.getRecord', { repo: OWNER.did, collection: COLLECTION, rkey: 'kept' }],
        ['com.atproto.repo.listRecords', { repo: OWNER.did, collection: COLLECTION }],
        ['com.atproto.sync.getRepo', { did: OWNER.did }],
        ['com.atproto.sync.getLatestCommit', { did: OWNER.did }],
        ['com.atproto.sync.getRecord', { did: OWNER.did, collection: COLLECTION, rkey: 'kept' }],
      ]
      for (const [nsid, query] of reads) {
        for (const auth of [false, true]) {
          await expectXrpcError(await xrpc(nsid, { query, auth }), 400, 'RepoDeactivated')
        }
      }
      const writes: [string, Record<string, unknown>][] = [
        ['com.atproto.repo.createRecord', { repo: OWNER.did, collection: COLLECTION, record: { n: 2 } }],
        [
          'com.atproto.repo.putRecord',
          { repo: OWNER.did, collection: COLLECTION, rkey: 'kept', record: { n: 3 } },
        ],
        ['com.atproto.repo.deleteRecord', { repo: OWNER.did, collection: COLLECTION, rkey: 'kept' }],
        [
          'com.atproto.repo.applyWrites',
          {
            repo: OWNER.did,
            writes: [{ $type: 'com.atproto.repo.applyWrites#delete', collection: COLLECTION, rkey: 'kept' }],
          },
        ],
      ]
      for (const [nsid, body] of writes)
        await expectXrpcError(await xrpc(nsid, { body }), 400, 'AccountDeactivated')

      // A migration fills the new, still deactivated account this way.
      const blob = await upload(await tinyPng(0x42), 'image/png')
      expect(blob.blob.mimeType).toBe('image/png')
      const prefs = [{ $type: 'app.bsky.actor.defs#adultContentPref', enabled: false }]
      expect((await xrpc('app.bsky.actor.putPreferences', { body: { preferences: prefs } })).status).toBe(200)
    } finally {
      expect((await activate()).status).toBe(200)
    }
    const back = await xrpc('com.atproto.repo.getRecord', {
      query: { repo: OWNER.did, collection: COLLECTION, rkey: 'kept' },
    })
    expect(((await back.json()) as { value: unknown }).value).toMatchObject({ n: 1 })
  })

  it('refuses a write that was accepted while a deactivation was queued ahead of it', async () => {
    const { bytes, cid } = await prepareRecord(COLLECTION, { n: 4 }, undefined)
    const outcome = await withOpenedRepo(repoStub(), async (repo) => {
      let release = () => {}
      const gate = new Promise<void>((resolve) => {
        release = resolve
      })
      // Hold the write queue, then queue a deactivation and, behind it, a write.
      const held = repo.writer.exclusive(() => gate)
      const deactivation = repo.setActive(false)
      const write = repo.writes.apply({
        writes: [{ action: 'create', collection: COLLECTION, rkey: 'late', cid, bytes }],
      })
      release()
      await held
      await deactivation
      const result = await write
      await repo.setActive(true)
      return result
    })
    expect(outcome).toMatchObject({ ok: false, error: 'AccountDeactivated' })
    const missing = await xrpc('com.atproto.repo.getRecord', {
      query: { repo: OWNER.did, collection: COLLECTION, rkey: 'late' },
    })
    await expectXrpcError(missing, 400, 'RecordNotFound')
  })
})
