import { describe, expect, it } from 'vitest'
import { BlobStore } from '../src/actors/repo/blobs/blob-store'
import { inScratchRepo } from './helpers/scratch-repo'

const HOUR = 3_600_000
const T0 = Date.parse('2026-01-01T00:00:00.000Z')
const at = (ms: number) => new Date(T0 + ms)

const uri = (rkey: string) => `at://did:web:pds.test/com.example.thing/${rkey}`

/** A store on a scratch actor's SQLite, with `n` finished uploads `cid-0`… created at T0. */
function withStore(n: number, fn: (store: BlobStore, cids: string[]) => void): Promise<void> {
  return inScratchRepo('blob-store', async (sql, transaction) => {
    const store = new BlobStore(sql)
    const cids = Array.from({ length: n }, (_, i) => `cid-${i}`)
    for (const cid of cids) {
      store.reserveUpload(`key-${cid}`, T0 + HOUR)
      store.finishUpload({ r2Key: `key-${cid}`, cid, mimeType: 'image/png', size: 1 }, at(0))
    }
    transaction(() => fn(store, cids))
  })
}

describe('BlobStore', () => {
  it('moves a blob temporary → permanent → orphaned as records link and unlink it', () =>
    withStore(1, (store) => {
      expect(store.get('cid-0')).toMatchObject({ r2Key: 'key-cid-0', referenced: false })
      store.setRecordBlobs(uri('a'), ['cid-0'], 'rev1')
      store.setRecordBlobs(uri('b'), ['cid-0'], 'rev2')
      expect(store.get('cid-0')?.referenced).toBe(true)
      store.setRecordBlobs(uri('a'), [], 'rev3')
      expect(store.takeOrphaned()).toBe(false) // b still references it
      store.setRecordBlobs(uri('b'), [], 'rev4')
      expect(store.get('cid-0')?.referenced).toBe(false)
      expect(store.takeOrphaned()).toBe(true)
      expect(store.takeOrphaned()).toBe(false)
      store.setRecordBlobs(uri('c'), ['cid-0'], 'rev5')
      expect(store.get('cid-0')?.referenced).toBe(true)
    }))

  it('condemns orphans and expired temporary blobs, never a referenced one', () =>
    withStore(4, (store) => {
      store.setRecordBlobs(uri('kept'), ['cid-0'], 'rev1')
      store.setRecordBlobs(uri('gone'), ['cid-1'], 'rev1')
      store.setRecordBlobs(uri('gone'), [], 'rev2')
      // Within the grace period only the orphan goes.
      expect(store.condemn(at(-HOUR), T0 + HOUR, 100)).toEqual(['cid-1'])
      expect(store.condemn(at(HOUR), T0 + 2 * HOUR, 100).sort()).toEqual(['cid-2', 'cid-3'])
      expect(store.get('cid-0')?.referenced).toBe(true)
      expect(store.dueKeys(T0 + 2 * HOUR, 100).sort()).toEqual(['key-cid-1', 'key-cid-2', 'key-cid-3'])
      store.forget(['key-cid-1'])
      expect(store.dueKeys(T0 + 2 * HOUR, 100)).not.toContain('key-cid-1')
    }))

  it('re-checks references when condemning, whatever the state says', () =>
    inScratchRepo('blob-store', async (sql) => {
      const store = new BlobStore(sql)
      store.reserveUpload('k', T0)
      store.finishUpload({ r2Key: 'k', cid: 'c', mimeType: 'image/png', size: 1 }, at(0))
      sql.exec("INSERT INTO record_blobs (record_uri, blob_cid, rev) VALUES ('at://x/y/z', 'c', 'r')")
      sql.exec("UPDATE blobs SET state = 'orphaned'")
      expect(store.condemn(at(10 * HOUR), T0 + 10 * HOUR, 100)).toEqual([])
      expect(store.get('c')).not.toBeNull()
    }))

  it('treats the same bytes uploaded again as a duplicate with a fresh grace period', () =>
    withStore(1, (store) => {
      store.setRecordBlobs(uri('a'), ['cid-0'], 'rev1')
      store.setRecordBlobs(uri('a'), [], 'rev2') // orphaned
      store.reserveUpload('key-again', T0 + 5 * HOUR)
      const again = { r2Key: 'key-again', cid: 'cid-0', mimeType: 'image/webp', size: 1 }
      expect(store.finishUpload(again, at(2 * HOUR))).toEqual({ duplicate: true })
      expect(store.get('cid-0')).toMatchObject({
        r2Key: 'key-cid-0',
        mimeType: 'image/webp',
        referenced: false,
      })
      expect(store.condemn(at(HOUR), T0 + 3 * HOUR, 100)).toEqual([]) // created again at 2 h
      expect(store.dueKeys(T0 + 2 * HOUR, 100)).toEqual(['key-again'])
      expect(store.condemn(at(3 * HOUR), T0 + 9 * HOUR, 100)).toEqual(['cid-0'])
    }))

  it('refuses to finish an upload whose reservation is gone', () =>
    withStore(0, (store) => {
      expect(store.finishUpload({ r2Key: 'never', cid: 'x', mimeType: 'a/b', size: 1 }, at(0))).toBeNull()
    }))

  it('lists a referenced blob as missing once its bytes are lost, and restores it on upload', () =>
    withStore(1, (store) => {
      store.setRecordBlobs(uri('a'), ['cid-0'], 'rev1')
      store.forgetLost('cid-0', 'key-cid-0')
      expect(store.missing(['cid-0'])).toEqual(['cid-0'])
      expect(store.listMissing({ cursor: null, limit: 10 })).toEqual([{ cid: 'cid-0', recordUri: uri('a') }])
      expect(store.listReferenced({ since: null, cursor: null, limit: 10 })).toEqual([])
      store.reserveUpload('key-new', T0 + HOUR)
      store.finishUpload({ r2Key: 'key-new', cid: 'cid-0', mimeType: 'image/png', size: 1 }, at(0))
      expect(store.get('cid-0')).toMatchObject({ r2Key: 'key-new', referenced: true })
      expect(store.listMissing({ cursor: null, limit: 10 })).toEqual([])
    }))

  it('lists referenced blobs by CID, after a cursor and since a rev', () =>
    withStore(3, (store) => {
      store.setRecordBlobs(uri('a'), ['cid-2', 'cid-0'], 'rev1')
      store.setRecordBlobs(uri('b'), ['cid-1', 'cid-0'], 'rev2')
      expect(store.listReferenced({ since: null, cursor: null, limit: 10 })).toEqual([
        'cid-0',
        'cid-1',
        'cid-2',
      ])
      expect(store.listReferenced({ since: null, cursor: 'cid-0', limit: 1 })).toEqual(['cid-1'])
      expect(store.listReferenced({ since: 'rev1', cursor: null, limit: 10 })).toEqual(['cid-0', 'cid-1'])
    }))

  it('knows when GC next has work', () =>
    withStore(1, (store) => {
      const now = T0 + 10
      // The reservation was claimed: only the temporary blob's expiry is left.
      expect(store.nextDeadline(6 * HOUR, now)).toBe(T0 + 6 * HOUR)
      store.reserveUpload('pending', T0 + 2 * HOUR)
      expect(store.nextDeadline(6 * HOUR, now)).toBe(T0 + 2 * HOUR)
      store.setRecordBlobs(uri('a'), ['cid-0'], 'rev1')
      store.setRecordBlobs(uri('a'), [], 'rev2')
      expect(store.nextDeadline(6 * HOUR, now)).toBe(now)
    }))
})
