import { Secp256k1Keypair } from '@atproto/crypto'
import { describe, expect, it } from 'vitest'
import { BlobGc, type SweepResult } from '../src/actors/repo/blobs/blob-gc'
import { type BlobRefHook, BlobStore } from '../src/actors/repo/blobs/blob-store'
import { RepoWriter } from '../src/actors/repo/commit/repo-writer'
import { SqlOutbox } from '../src/actors/repo/outbox/sql-outbox'
import { AlarmSchedule } from '../src/actors/repo/schedule/alarm-schedule'
import { SqlAlarmDeadlines } from '../src/actors/repo/schedule/sql-alarm-deadlines'
import { SqlRecordIndex } from '../src/actors/repo/storage/sql-record-index'
import { SqlRepoStorage } from '../src/actors/repo/storage/sql-repo-storage'
import { createLogger } from '../src/shared/logger'
import { prepareRecord } from '../src/worker/record-prep'
import { noise, rawCid } from './helpers/blobs'
import { OWNER } from './helpers/client'
import { inScratchRepo } from './helpers/scratch-repo'

const HOUR = 3_600_000
const THING = 'com.example.race'

describe('blob GC against a concurrent write', () => {
  it('waits for a write that passed its blob check, so the blob it links survives', async () => {
    await inScratchRepo('blob-race', async (sql, transaction) => {
      const store = new BlobStore(sql)
      // The hook: right after the write has checked that the blob exists, a sweep starts.
      let afterCheck: (() => void) | null = null
      const hook: BlobRefHook = {
        missing: (cids) => {
          const missing = store.missing(cids)
          afterCheck?.()
          afterCheck = null
          return missing
        },
        setRecordBlobs: (uri, cids, rev) => store.setRecordBlobs(uri, cids, rev),
      }
      const writer = await RepoWriter.open({
        transaction,
        blocks: new SqlRepoStorage(sql),
        index: new SqlRecordIndex(sql),
        outbox: new SqlOutbox(sql),
        keypair: await Secp256k1Keypair.import(OWNER.signingKeyHex),
        did: OWNER.did,
        handle: OWNER.handle,
        blobRefs: hook,
      })
      const deleted: string[] = []
      const gc = new BlobGc({
        store,
        bucket: { delete: async (keys) => void deleted.push(...[keys].flat()) },
        schedule: new AlarmSchedule(
          new SqlAlarmDeadlines(sql),
          { setAlarm: async () => {}, deleteAlarm: async () => {} },
          createLogger('repo'),
        ),
        exclusive: (fn) => writer.exclusive(fn),
        transaction,
        graceMs: HOUR,
        log: createLogger('repo'),
      })

      const cid = await rawCid(noise(32, 1))
      store.reserveUpload('blobs/race', Date.now() + HOUR)
      store.finishUpload({ r2Key: 'blobs/race', cid, mimeType: 'image/png', size: 32 }, new Date())
      const record = await prepareRecord(
        THING,
        { $type: THING, pic: { $type: 'blob', ref: { $link: cid }, mimeType: 'image/png', size: 32 } },
        undefined,
      )
      expect(record.blobs).toEqual([cid])

      let sweep: Promise<SweepResult> | null = null
      afterCheck = () => {
        // Long after the grace period: the blob is collectable unless the write links it first.
        sweep = gc.sweep(Date.now() + 24 * HOUR)
      }
      const written = await writer.applyWrites({
        writes: [{ action: 'create', collection: THING, rkey: 'race', ...record }],
      })
      expect(sweep).not.toBeNull()
      const swept = await (sweep as unknown as Promise<SweepResult>)

      expect(written.ok).toBe(true)
      expect(swept.deletedBlobs).toEqual([])
      expect(deleted).not.toContain('blobs/race')
      expect(store.get(cid)?.referenced).toBe(true)
      expect(store.listMissing({ cursor: null, limit: 10 })).toEqual([])

      // Once the record is gone, the next sweep takes the blob and then its bytes.
      const removed = await writer.applyWrites({
        writes: [{ action: 'delete', collection: THING, rkey: 'race' }],
      })
      expect(removed.ok).toBe(true)
      expect((await gc.sweep(Date.now())).deletedBlobs).toEqual([cid])
      expect(deleted).toContain('blobs/race')
      expect(store.get(cid)).toBeNull()
    })
  })

  it('refuses a write queued behind the sweep that collected its blob', async () => {
    await inScratchRepo('blob-race', async (sql, transaction) => {
      const store = new BlobStore(sql)
      const writer = await RepoWriter.open({
        transaction,
        blocks: new SqlRepoStorage(sql),
        index: new SqlRecordIndex(sql),
        outbox: new SqlOutbox(sql),
        keypair: await Secp256k1Keypair.import(OWNER.signingKeyHex),
        did: OWNER.did,
        handle: OWNER.handle,
        blobRefs: store,
      })
      const gc = new BlobGc({
        store,
        bucket: { delete: async () => {} },
        schedule: new AlarmSchedule(
          new SqlAlarmDeadlines(sql),
          { setAlarm: async () => {}, deleteAlarm: async () => {} },
          createLogger('repo'),
        ),
        exclusive: (fn) => writer.exclusive(fn),
        transaction,
        graceMs: HOUR,
        log: createLogger('repo'),
      })
      const cid = await rawCid(noise(32, 2))
      store.reserveUpload('blobs/late', Date.now() + HOUR)
      store.finishUpload({ r2Key: 'blobs/late', cid, mimeType: 'image/png', size: 32 }, new Date())
      await gc.sweep(Date.now() + 2 * HOUR)
      const record = await prepareRecord(
        THING,
        { $type: THING, pic: { $type: 'blob', ref: { $link: cid }, mimeType: 'image/png', size: 32 } },
        undefined,
      )
      const written = await writer.applyWrites({
        writes: [{ action: 'create', collection: THING, rkey: 'late', ...record }],
      })
      expect(written).toMatchObject({
        ok: false,
        error: 'InvalidRequest',
        message: expect.stringContaining(cid),
      })
      expect(store.listMissing({ cursor: null, limit: 10 })).toEqual([])
    })
  })
})
