import { describe, expect, it } from 'vitest'
import type { RecordIndex, RecordRow } from '../../src/actors/repo/storage/record-index'

/** Runs `fn` against a fresh, empty record index. */
export type WithRecordIndex = (fn: (index: RecordIndex) => void | Promise<void>) => Promise<void>

const C = 'com.example.post'
const row = (rkey: string, cid = `cid-${rkey}`, collection = C): RecordRow => ({
  collection,
  rkey,
  cid,
  rev: 'r1',
})
const rkeys = (rows: RecordRow[]) => rows.map((r) => r.rkey)

/** The behaviour every `RecordIndex` shares, run for each implementation. */
export function describeRecordIndexContract(name: string, withIndex: WithRecordIndex): void {
  describe(`RecordIndex contract: ${name}`, () => {
    it('returns what was put, and null for a path never written', () =>
      withIndex((index) => {
        expect(index.get(C, 'a')).toBeNull()
        index.put(row('a'))
        expect(index.get(C, 'a')).toEqual(row('a'))
        expect(index.get('com.example.other', 'a')).toBeNull()
      }))

    it('replaces the cid and rev of a record put again, and forgets a deleted one', () =>
      withIndex((index) => {
        index.put(row('a'))
        index.put({ ...row('a', 'cid-2'), rev: 'r2' })
        expect(index.get(C, 'a')).toEqual({ collection: C, rkey: 'a', cid: 'cid-2', rev: 'r2' })
        index.delete(C, 'a', 'r3')
        index.delete(C, 'never-there', 'r3')
        expect(index.get(C, 'a')).toBeNull()
        expect(index.list(C, 10, null, false)).toEqual([])
      }))

    it('lists newest first by rkey, pages by cursor, and lists oldest first when reversed', () =>
      withIndex((index) => {
        for (const k of ['3a', '1a', '2b', '2a', '3b']) index.put(row(k))
        index.put(row('9z', 'x', 'com.example.other'))
        expect(rkeys(index.list(C, 10, null, false))).toEqual(['3b', '3a', '2b', '2a', '1a'])
        expect(rkeys(index.list(C, 2, null, false))).toEqual(['3b', '3a'])
        expect(rkeys(index.list(C, 2, '3a', false))).toEqual(['2b', '2a'])
        expect(rkeys(index.list(C, 2, '1a', false))).toEqual([])
        expect(rkeys(index.list(C, 10, null, true))).toEqual(['1a', '2a', '2b', '3a', '3b'])
        expect(rkeys(index.list(C, 2, '2a', true))).toEqual(['2b', '3a'])
        // The cursor need not be a stored rkey.
        expect(rkeys(index.list(C, 10, '2c', false))).toEqual(['2b', '2a', '1a'])
        expect(index.list(C, 0, null, false)).toEqual([])
        expect(index.list('com.example.none', 10, null, false)).toEqual([])
      }))

    it('orders rkeys by their bytes, as SQLite compares TEXT', () =>
      withIndex((index) => {
        for (const k of ['b', 'B', 'a~', 'a-', 'a.', 'a_', 'a:', '0']) index.put(row(k))
        expect(rkeys(index.list(C, 10, null, true))).toEqual(['0', 'B', 'a-', 'a.', 'a:', 'a_', 'a~', 'b'])
      }))

    it('names each collection that holds records once, in order', () =>
      withIndex((index) => {
        expect(index.collections()).toEqual([])
        index.put(row('a', 'x', 'com.example.b'))
        index.put(row('b', 'x', 'com.example.b'))
        index.put(row('a', 'x', 'com.example.a'))
        expect(index.collections()).toEqual(['com.example.a', 'com.example.b'])
        index.delete('com.example.a', 'a', 'r2')
        expect(index.collections()).toEqual(['com.example.b'])
      }))

    it('lists the newest changes since a rev, oldest first, with tombstones for deletions', () =>
      withIndex((index) => {
        index.put({ ...row('a'), rev: 'r1' })
        index.put({ ...row('b'), rev: 'r2' })
        index.put({ ...row('c'), rev: 'r3' })
        index.delete(C, 'a', 'r4')
        index.put({ ...row('b', 'cid-b2'), rev: 'r5' })
        index.delete(C, 'c', 'r6')
        index.put({ ...row('c', 'cid-c2'), rev: 'r7' })
        expect(index.changesSince('r2', 10)).toEqual([
          { collection: C, rkey: 'a', cid: null, rev: 'r4' },
          { collection: C, rkey: 'b', cid: 'cid-b2', rev: 'r5' },
          { collection: C, rkey: 'c', cid: 'cid-c2', rev: 'r7' },
        ])
        expect(index.changesSince('r4', 2).map((c) => c.rev)).toEqual(['r5', 'r7'])
        expect(index.changesSince('r5', 1).map((c) => c.rev)).toEqual(['r7'])
        expect(index.changesSince('r7', 10)).toEqual([])
      }))

    it('knows a rev when some record or tombstone is at or before it', () =>
      withIndex((index) => {
        expect(index.knowsRev('r5')).toBe(false)
        index.put({ ...row('a'), rev: 'r3' })
        expect(index.knowsRev('r2')).toBe(false)
        expect(index.knowsRev('r3')).toBe(true)
        index.delete(C, 'a', 'r4')
        expect(index.knowsRev('r3')).toBe(false)
        expect(index.knowsRev('r4')).toBe(true)
      }))
  })
}
