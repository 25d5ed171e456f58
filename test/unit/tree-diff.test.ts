import { Secp256k1Keypair } from '@atproto/crypto'
import { encode } from '@atproto/lex-cbor'
import { type Cid, cidForCbor } from '@atproto/lex-data'
import { BlockMap, DataDiff, MemoryBlockstore, MST } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import {
  type BuiltCommit,
  buildCommit,
  type PreparedWrite,
  type RepoHead,
} from '../../src/actors/repo/commit/commit-builder'
import { RecentNodes } from '../../src/actors/repo/commit/recent-nodes'
import { diffTrees, type LeafChange, sealTree } from '../../src/actors/repo/commit/tree-diff'
import { prng } from '../helpers/prng'
import { OWNER } from '../helpers/test-identity'

const C = 'com.example.t'
const recordCid = async (n: number) => cidForCbor(encode({ n }))

/** `@atproto/repo`'s root for these keys, built from scratch in a fresh store. */
async function fromScratch(entries: Map<string, Cid>): Promise<Cid> {
  let tree = await MST.create(new MemoryBlockstore())
  for (const [k, v] of entries) tree = await tree.add(k, v)
  return tree.getPointer()
}

const sortedStrings = (cids: Iterable<Cid>) => [...cids].map(String).sort()

/** The event's blocks but the commit (its rev differs per build), each checked against its CID. */
async function dataBlocks(built: BuiltCommit): Promise<string[]> {
  const cids: Cid[] = []
  for (const [cid, bytes] of built.eventBlocks) {
    if (cid.equals(built.commit.cid)) continue
    expect((await cidForCbor(bytes)).equals(cid)).toBe(true)
    cids.push(cid)
  }
  return sortedStrings(cids)
}

/** The parts of a diff a commit uses, comparable across implementations. */
const shape = (d: DataDiff) => ({
  newMst: sortedStrings(d.newMstBlocks.cids()),
  newMstBytes: [...d.newMstBlocks]
    .map(([cid, bytes]) => `${cid}:${Buffer.from(bytes).toString('hex')}`)
    .sort(),
  newLeaves: sortedStrings(d.newLeafCids.toList()),
  removed: sortedStrings(d.removedCids.toList()),
})

// Hundreds of commits each, checked against from-scratch trees: slow on a loaded machine.
const LONG = 120_000

describe('diffTrees', () => {
  it(
    'reports what DataDiff.of reports over a long random sequence of batched creates, updates and deletes',
    async () => {
      const rand = prng(14)
      const storage = new MemoryBlockstore()
      let tree = await MST.create(storage)
      const live = new Map<string, Cid>()
      let counter = 0
      // Short keys make a deep tree quickly; a small key space makes deletes and updates frequent.
      const keyOf = () => `${C}/k${Math.floor(rand() * 600)}`
      for (let step = 0; step < 300; step++) {
        const changes = new Map<string, LeafChange>()
        const size = 1 + Math.floor(rand() ** 3 * 12)
        let next = tree
        for (let i = 0; i < size; i++) {
          const key = keyOf()
          if (changes.has(key)) continue
          const prev = live.get(key) ?? null
          const r = rand()
          if (prev && r < 0.4) {
            next = await next.delete(key)
            changes.set(key, { key, prev, cid: null })
          } else {
            // Now and then a value some other key already holds: leaves shared between paths.
            const cid = await recordCid(r < 0.1 ? 7 : ++counter)
            if (prev?.equals(cid)) continue
            next = prev ? await next.update(key, cid) : await next.add(key, cid)
            changes.set(key, { key, prev, cid })
          }
        }
        if ((await next.getEntries()).length === 0) next = await MST.create(storage)

        const sealed = new BlockMap()
        const root = await sealTree(next, sealed)
        const fast = await diffTrees(next, tree, [...changes.values()], sealed)
        const reference = await DataDiff.of(next, tree)
        expect(shape(fast)).toEqual(shape(reference))

        for (const c of changes.values()) {
          if (c.cid) live.set(c.key, c.cid)
          else live.delete(c.key)
        }
        if (step % 40 === 0) expect(root.toString()).toBe((await fromScratch(live)).toString())
        await storage.putMany(fast.newMstBlocks)
        // The next step starts from a tree read back from storage, as after a restart, half the time.
        tree = rand() < 0.5 ? next : MST.load(storage, root)
      }
      expect(live.size).toBeGreaterThan(100)
    },
    LONG,
  )

  it(
    'gives every commit of a random sequence through buildCommit the root @atproto/repo computes from scratch',
    async () => {
      const rand = prng(1414)
      const keypair = await Secp256k1Keypair.import(OWNER.signingKeyHex)
      const storage = new MemoryBlockstore()
      const data = await MST.create(storage)
      let head: RepoHead = {
        did: OWNER.did,
        cid: await cidForCbor(encode({})),
        rev: '2222222222222',
        data,
        dataCid: await data.getPointer(),
      }
      const live = new Map<string, Cid>()
      const recent = new RecentNodes(8)
      let counter = 0
      for (let step = 0; step < 200; step++) {
        const writes: PreparedWrite[] = []
        const touched = new Set<string>()
        for (let i = 0, n = 1 + Math.floor(rand() * 4); i < n; i++) {
          const rkey = `r${Math.floor(rand() * 300)}`
          if (touched.has(rkey)) continue
          touched.add(rkey)
          const prev = live.get(`${C}/${rkey}`) ?? null
          if (prev && rand() < 0.35) {
            writes.push({ action: 'delete', collection: C, rkey, prev })
            continue
          }
          const bytes = encode({ n: ++counter })
          const cid = await cidForCbor(bytes)
          writes.push({ action: prev ? 'update' : 'create', collection: C, rkey, cid, bytes, prev })
        }
        const built = await buildCommit(head, writes, keypair)
        // Proof nodes from a small cache of recent nodes (evicting, falling back to storage) are the same.
        const cached = await buildCommit(head, writes, keypair, recent)
        expect(await dataBlocks(cached)).toEqual(await dataBlocks(built))
        await storage.putMany(built.commit.newBlocks)
        for (const w of writes) {
          if (w.action === 'delete') live.delete(`${C}/${w.rkey}`)
          else live.set(`${C}/${w.rkey}`, w.cid)
        }
        expect(built.head.dataCid.toString()).toBe((await fromScratch(live)).toString())
        head = built.head
      }
    },
    LONG,
  )
})
