import { env, runInDurableObject } from 'cloudflare:test'
import { Secp256k1Keypair } from '@atproto/crypto'
import { encode } from '@atproto/lex-cbor'
import { cidForCbor } from '@atproto/lex-data'
import { type RecordWriteOp, Repo, WriteOpAction } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { RETIRED_BLOCK_GRACE_MS, SqlRepoStorage } from '../src/actors/repo/storage/sql-repo-storage'

const DID = 'did:example:storage-test'
const C = 'com.example.storageTest'

const create = (rkey: string, text: string): RecordWriteOp => ({
  action: WriteOpAction.Create,
  collection: C,
  rkey,
  record: { $type: C, text },
})
const update = (rkey: string, text: string): RecordWriteOp => ({
  action: WriteOpAction.Update,
  collection: C,
  rkey,
  record: { $type: C, text },
})
const del = (rkey: string): RecordWriteOp => ({ action: WriteOpAction.Delete, collection: C, rkey })

/**
 * Runs `fn` against a `SqlRepoStorage` over a fresh repo actor's SQLite, emptied of
 * the genesis commit the actor wrote on start so the adapter starts from nothing.
 */
function withEmptyStorage(fn: (storage: SqlRepoStorage, sql: SqlStorage) => Promise<void>): Promise<void> {
  const stub = env.REPO.get(env.REPO.idFromName(`storage-test-${crypto.randomUUID()}`))
  return runInDurableObject(stub, async (_actor, state) => {
    const sql = state.storage.sql
    for (const table of ['blocks', 'repo_root', 'records']) sql.exec(`DELETE FROM ${table}`)
    await fn(new SqlRepoStorage(sql), sql)
  })
}

/** Blocks in the repo: stored and not retired by a later commit. */
const storedCids = (sql: SqlStorage) =>
  sql
    .exec<{ cid: string }>('SELECT cid FROM blocks WHERE removed_rev IS NULL')
    .toArray()
    .map((r) => r.cid)
    .sort()

const revOf = (sql: SqlStorage, cid: { toString(): string }) =>
  sql.exec<{ rev: string }>('SELECT rev FROM blocks WHERE cid = ?', cid.toString()).toArray()[0]?.rev

describe('SqlRepoStorage', () => {
  it('round-trips a repo: what Repo.load reads equals what was written', async () => {
    await withEmptyStorage(async (storage) => {
      const keypair = await Secp256k1Keypair.create()
      let repo = await Repo.create(storage, DID, keypair)
      repo = await repo.applyWrites([create('a', 'A'), create('b', 'B'), create('c', 'C')], keypair)
      repo = await repo.applyWrites([update('b', 'B2'), del('c'), create('d', 'D')], keypair)

      expect((await storage.getRoot())?.toString()).toBe(repo.cid.toString())
      const loaded = await Repo.load(storage)
      expect(loaded.cid.toString()).toBe(repo.cid.toString())
      expect(loaded.commit).toEqual(repo.commit)
      const leaves = async (r: Repo) => (await r.data.list()).map((l) => `${l.key}=${l.value.toString()}`)
      expect(await leaves(loaded)).toEqual(await leaves(repo))
      expect(await loaded.getRecord(C, 'b')).toEqual({ $type: C, text: 'B2' })
      expect(await loaded.getRecord(C, 'c')).toBeNull()
      expect(await loaded.getRecord(C, 'd')).toEqual({ $type: C, text: 'D' })
    })
  })

  it('reports the CIDs it does not hold', async () => {
    await withEmptyStorage(async (storage) => {
      const keypair = await Secp256k1Keypair.create()
      const repo = await Repo.create(storage, DID, keypair)
      const absent = await cidForCbor(encode({ nonce: crypto.randomUUID() }))
      const { blocks, missing } = await storage.getBlocks([repo.cid, absent])
      expect(blocks.has(repo.cid)).toBe(true)
      expect(missing.map(String)).toEqual([absent.toString()])
      expect(await storage.has(absent)).toBe(false)
      expect(await storage.getBytes(absent)).toBeNull()
    })
  })

  it('keeps exactly the reachable blocks after commits remove some', async () => {
    await withEmptyStorage(async (storage, sql) => {
      const keypair = await Secp256k1Keypair.create()
      let repo = await Repo.create(storage, DID, keypair)
      repo = await repo.applyWrites([create('a', 'A'), create('b', 'B'), create('c', 'C')], keypair)
      const oldB = await repo.data.get(`${C}/b`)
      const oldCommit = repo.cid
      repo = await repo.applyWrites([update('b', 'B2'), del('c')], keypair)

      const reachable = (await repo.data.allCids()).add(repo.cid)
      expect(storedCids(sql)).toEqual(
        reachable
          .toList()
          .map((c) => c.toString())
          .sort(),
      )
      expect(oldB && (await storage.has(oldB))).toBe(false)
      expect(await storage.has(oldCommit)).toBe(false)
    })
  })

  it('keeps a removed record block that the record index still names', async () => {
    await withEmptyStorage(async (storage, sql) => {
      const keypair = await Secp256k1Keypair.create()
      let repo = await Repo.create(storage, DID, keypair)
      repo = await repo.applyWrites([create('x', 'same'), create('y', 'same')], keypair)
      const shared = await repo.data.get(`${C}/x`)
      expect(shared?.toString()).toBe((await repo.data.get(`${C}/y`))?.toString())
      sql.exec(
        'INSERT INTO records (collection, rkey, cid, rev) VALUES (?, ?, ?, ?)',
        C,
        'y',
        String(shared),
        repo.commit.rev,
      )
      repo = await repo.applyWrites([del('x')], keypair)
      expect(shared && (await storage.has(shared))).toBe(true)
      expect(await repo.getRecord(C, 'y')).toEqual({ $type: C, text: 'same' })
    })
  })

  it('stores each block with the rev that first wrote it', async () => {
    await withEmptyStorage(async (storage, sql) => {
      const keypair = await Secp256k1Keypair.create()
      let repo = await Repo.create(storage, DID, keypair)
      repo = await repo.applyWrites([create('p', 'P')], keypair)
      const rev1 = repo.commit.rev
      const p = await repo.data.get(`${C}/p`)
      repo = await repo.applyWrites([create('q', 'Q')], keypair)
      const rev2 = repo.commit.rev
      const q = await repo.data.get(`${C}/q`)
      expect(rev2 > rev1).toBe(true)
      expect(p && revOf(sql, p)).toBe(rev1)
      expect(q && revOf(sql, q)).toBe(rev2)
      expect(revOf(sql, repo.cid)).toBe(rev2)
      expect(sql.exec<{ rev: string }>('SELECT rev FROM repo_root').one().rev).toBe(rev2)

      // Writing a block again under a later rev keeps its first rev.
      const bytes = await storage.getBytes(p as NonNullable<typeof p>)
      await storage.putBlock(p as NonNullable<typeof p>, bytes as Uint8Array, rev2)
      expect(p && revOf(sql, p)).toBe(rev1)

      const page = storage.pageBlocks({ since: rev1, upToRev: rev2, afterCid: '', limit: 1000 })
      const cids = page.map((b) => b.key)
      expect(cids).toContain(String(q))
      expect(cids).not.toContain(String(p))
    })
  })
})

describe('SqlRepoStorage retired blocks', () => {
  it('keeps a snapshot exportable after later commits, then purges what they removed', async () => {
    await withEmptyStorage(async (storage, sql) => {
      const keypair = await Secp256k1Keypair.create()
      let repo = await Repo.create(storage, DID, keypair)
      repo = await repo.applyWrites([create('a', 'A'), create('b', 'B')], keypair)
      const snapshot = {
        rev: repo.commit.rev,
        cid: repo.cid,
        reachable: (await repo.data.allCids()).add(repo.cid),
      }
      const t0 = Date.now()
      const next = await repo.formatCommit([update('a', 'A2'), del('b')], keypair)
      storage.applyCommitSync(next, t0)

      // The old commit and the nodes it used are gone from the repo but not from the snapshot.
      expect(await storage.has(snapshot.cid)).toBe(false)
      const page = storage.pageBlocks({ since: null, upToRev: snapshot.rev, afterCid: '', limit: 10_000 })
      expect(page.map((b) => b.key).sort()).toEqual(snapshot.reachable.toList().map(String).sort())

      // A later commit, past the grace period, purges them for good.
      repo = await Repo.load(storage, next.cid)
      storage.applyCommitSync(
        await repo.formatCommit([create('c', 'C')], keypair),
        t0 + RETIRED_BLOCK_GRACE_MS + 1,
      )
      const left = sql
        .exec<{ n: number }>('SELECT COUNT(*) AS n FROM blocks WHERE cid = ?', snapshot.cid.toString())
        .one()
      expect(left.n).toBe(0)
    })
  })

  it('brings back a retired block that a later commit uses again, and lists it for since-exports', async () => {
    await withEmptyStorage(async (storage) => {
      const keypair = await Secp256k1Keypair.create()
      let repo = await Repo.create(storage, DID, keypair)
      repo = await repo.applyWrites([create('a', 'A')], keypair)
      const rootWithA = await repo.data.getPointer()
      repo = await repo.applyWrites([create('b', 'B')], keypair)
      const sinceRev = repo.commit.rev
      expect(await storage.has(rootWithA)).toBe(false)
      repo = await repo.applyWrites([del('b')], keypair) // the tree is {a} again
      expect((await repo.data.getPointer()).toString()).toBe(rootWithA.toString())
      expect(await storage.has(rootWithA)).toBe(true)
      const since = storage.pageBlocks({
        since: sinceRev,
        upToRev: repo.commit.rev,
        afterCid: '',
        limit: 1000,
      })
      expect(since.map((b) => b.key)).toContain(rootWithA.toString())
    })
  })
})
