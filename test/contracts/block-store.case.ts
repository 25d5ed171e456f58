import { Secp256k1Keypair } from '@atproto/crypto'
import { encode } from '@atproto/lex-cbor'
import { type Cid, cidForCbor } from '@atproto/lex-data'
import { type RecordWriteOp, Repo, WriteOpAction } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import {
  type BlockStore,
  PURGE_EVERY_MS,
  RETIRED_BLOCK_GRACE_MS,
} from '../../src/actors/repo/storage/block-store'
import type { RecordIndex } from '../../src/actors/repo/storage/record-index'

/**
 * Runs `fn` against an empty block store (no root, no blocks) and the record index it
 * consults when retiring blocks.
 */
export type WithBlockStore = (
  fn: (stores: { blocks: BlockStore; index: RecordIndex }) => Promise<void>,
) => Promise<void>

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

const sorted = (cids: Iterable<{ toString(): string }>) => [...cids].map(String).sort()

/** Every block an export at `upToRev` (optionally since `since`) holds, in page order. */
function exportKeys(blocks: BlockStore, upToRev: string, since: string | null = null, pageSize = 10_000) {
  const keys: string[] = []
  for (let afterCid = ''; ; ) {
    const page = blocks.pageBlocks({ since, upToRev, afterCid, limit: pageSize })
    keys.push(...page.map((b) => b.key))
    const last = page.at(-1)
    if (!last || page.length < pageSize) return keys
    afterCid = last.key
  }
}

const reachable = async (repo: Repo) => sorted((await repo.data.allCids()).add(repo.cid).toList())

/** The behaviour every `BlockStore` shares, run for each implementation. */
export function describeBlockStoreContract(name: string, withStores: WithBlockStore): void {
  describe(`BlockStore contract: ${name}`, () => {
    it('round-trips a repo: what Repo.load reads equals what was written', () =>
      withStores(async ({ blocks }) => {
        expect(blocks.getRootDetails()).toBeNull()
        const keypair = await Secp256k1Keypair.create()
        let repo = await Repo.create(blocks, DID, keypair)
        repo = await repo.applyWrites([create('a', 'A'), create('b', 'B'), create('c', 'C')], keypair)
        repo = await repo.applyWrites([update('b', 'B2'), del('c'), create('d', 'D')], keypair)

        expect((await blocks.getRoot())?.toString()).toBe(repo.cid.toString())
        expect(blocks.getRootDetails()?.rev).toBe(repo.commit.rev)
        const loaded = await Repo.load(blocks)
        expect(loaded.cid.toString()).toBe(repo.cid.toString())
        expect(loaded.commit).toEqual(repo.commit)
        const leaves = async (r: Repo) => (await r.data.list()).map((l) => `${l.key}=${l.value.toString()}`)
        expect(await leaves(loaded)).toEqual(await leaves(repo))
        expect(await loaded.getRecord(C, 'b')).toEqual({ $type: C, text: 'B2' })
        expect(await loaded.getRecord(C, 'c')).toBeNull()
        expect(await loaded.getRecord(C, 'd')).toEqual({ $type: C, text: 'D' })
      }))

    it('reports the CIDs it does not hold', () =>
      withStores(async ({ blocks }) => {
        const keypair = await Secp256k1Keypair.create()
        const repo = await Repo.create(blocks, DID, keypair)
        const absent = await cidForCbor(encode({ nonce: crypto.randomUUID() }))
        const { blocks: found, missing } = await blocks.getBlocks([repo.cid, absent])
        expect(found.has(repo.cid)).toBe(true)
        expect(missing.map(String)).toEqual([absent.toString()])
        expect(await blocks.has(absent)).toBe(false)
        expect(await blocks.getBytes(absent)).toBeNull()
      }))

    it('keeps exactly the reachable blocks after commits remove some', () =>
      withStores(async ({ blocks }) => {
        const keypair = await Secp256k1Keypair.create()
        let repo = await Repo.create(blocks, DID, keypair)
        repo = await repo.applyWrites([create('a', 'A'), create('b', 'B'), create('c', 'C')], keypair)
        const oldB = (await repo.data.get(`${C}/b`)) as Cid
        const oldCommit = repo.cid
        repo = await repo.applyWrites([update('b', 'B2'), del('c')], keypair)

        expect(exportKeys(blocks, repo.commit.rev)).toEqual(await reachable(repo))
        expect(await blocks.has(oldB)).toBe(false)
        expect(await blocks.getBytes(oldB)).toBeNull()
        expect(await blocks.has(oldCommit)).toBe(false)
      }))

    it('keeps a removed record block that the record index still names', () =>
      withStores(async ({ blocks, index }) => {
        const keypair = await Secp256k1Keypair.create()
        let repo = await Repo.create(blocks, DID, keypair)
        repo = await repo.applyWrites([create('x', 'same'), create('y', 'same')], keypair)
        const shared = (await repo.data.get(`${C}/x`)) as Cid
        expect(shared.toString()).toBe((await repo.data.get(`${C}/y`))?.toString())
        index.put({ collection: C, rkey: 'y', cid: shared.toString(), rev: repo.commit.rev })
        repo = await repo.applyWrites([del('x')], keypair)
        expect(await blocks.has(shared)).toBe(true)
        expect(await repo.getRecord(C, 'y')).toEqual({ $type: C, text: 'same' })
      }))

    it('stores each block with the rev that first wrote it', () =>
      withStores(async ({ blocks }) => {
        const keypair = await Secp256k1Keypair.create()
        let repo = await Repo.create(blocks, DID, keypair)
        repo = await repo.applyWrites([create('p', 'P')], keypair)
        const rev1 = repo.commit.rev
        const p = (await repo.data.get(`${C}/p`)) as Cid
        repo = await repo.applyWrites([create('q', 'Q')], keypair)
        const rev2 = repo.commit.rev
        const q = (await repo.data.get(`${C}/q`)) as Cid
        expect(rev2 > rev1).toBe(true)
        expect(exportKeys(blocks, rev1)).toContain(String(p))
        expect(exportKeys(blocks, rev1)).not.toContain(String(q))
        expect(exportKeys(blocks, rev2, rev1)).toContain(String(q))
        expect(exportKeys(blocks, rev2, rev1)).toContain(repo.cid.toString())

        // Writing a block again under a later rev keeps its first rev, and its bytes.
        const bytes = (await blocks.getBytes(p)) as Uint8Array
        await blocks.putBlock(p, bytes, rev2)
        expect(exportKeys(blocks, rev2, rev1)).not.toContain(String(p))
        expect(await blocks.getBytes(p)).toEqual(bytes)
      }))

    it('pages exports in CID order, each page after the cursor', () =>
      withStores(async ({ blocks }) => {
        const keypair = await Secp256k1Keypair.create()
        let repo = await Repo.create(blocks, DID, keypair)
        repo = await repo.applyWrites(
          Array.from({ length: 30 }, (_, i) => create(`k${i}`, `v${i}`)),
          keypair,
        )
        const all = exportKeys(blocks, repo.commit.rev)
        expect(all).toEqual(await reachable(repo))
        expect(exportKeys(blocks, repo.commit.rev, null, 4)).toEqual(all)
        const page = blocks.pageBlocks({
          since: null,
          upToRev: repo.commit.rev,
          afterCid: all[9] ?? '',
          limit: 3,
        })
        expect(page.map((b) => b.key)).toEqual(all.slice(10, 13))
        for (const b of page) {
          expect(b.cid.toString()).toBe(b.key)
          expect(b.bytes).toEqual(await blocks.getBytes(b.cid))
        }
        expect(blocks.pageBlocks({ since: null, upToRev: repo.commit.rev, afterCid: '', limit: 0 })).toEqual(
          [],
        )
      }))
  })

  describe(`BlockStore contract: ${name}: retired blocks`, () => {
    it('keeps a snapshot exportable after later commits, then purges what they removed', () =>
      withStores(async ({ blocks }) => {
        const keypair = await Secp256k1Keypair.create()
        let repo = await Repo.create(blocks, DID, keypair)
        repo = await repo.applyWrites([create('a', 'A'), create('b', 'B')], keypair)
        const snapshot = { rev: repo.commit.rev, cid: repo.cid, reachable: await reachable(repo) }
        const t0 = Date.now()
        const next = await repo.formatCommit([update('a', 'A2'), del('b')], keypair)
        blocks.applyCommitSync(next, t0)

        // The old commit and the nodes it used are gone from the repo but not from the snapshot.
        expect(await blocks.has(snapshot.cid)).toBe(false)
        expect(exportKeys(blocks, snapshot.rev)).toEqual(snapshot.reachable)
        expect(exportKeys(blocks, next.rev)).not.toContain(snapshot.cid.toString())

        // A commit within the grace period leaves them (and purges, so the next purge is
        // a minute away); one past both the grace period and that minute purges them.
        const later = async (text: string, at: number) => {
          const head = blocks.getRootDetails()?.cid as Cid
          const commit = await (await Repo.load(blocks, head)).formatCommit([create(text, text)], keypair)
          blocks.applyCommitSync(commit, at)
        }
        const snapshotKept = () => exportKeys(blocks, snapshot.rev).includes(snapshot.cid.toString())
        const purgedAt = t0 + RETIRED_BLOCK_GRACE_MS - 1
        await later('c', purgedAt)
        expect(snapshotKept()).toBe(true)
        await later('d', purgedAt + PURGE_EVERY_MS - 1)
        expect(snapshotKept()).toBe(true)
        await later('e', purgedAt + PURGE_EVERY_MS)
        expect(snapshotKept()).toBe(false)
      }))

    it('brings back a retired block that a later commit uses again, and lists it for since-exports', () =>
      withStores(async ({ blocks }) => {
        const keypair = await Secp256k1Keypair.create()
        let repo = await Repo.create(blocks, DID, keypair)
        repo = await repo.applyWrites([create('a', 'A')], keypair)
        const rootWithA = await repo.data.getPointer()
        repo = await repo.applyWrites([create('b', 'B')], keypair)
        const sinceRev = repo.commit.rev
        expect(await blocks.has(rootWithA)).toBe(false)
        repo = await repo.applyWrites([del('b')], keypair) // the tree is {a} again
        expect((await repo.data.getPointer()).toString()).toBe(rootWithA.toString())
        expect(await blocks.has(rootWithA)).toBe(true)
        expect(exportKeys(blocks, repo.commit.rev, sinceRev)).toContain(rootWithA.toString())
        expect(exportKeys(blocks, repo.commit.rev)).toEqual(await reachable(repo))
      }))
  })
}
