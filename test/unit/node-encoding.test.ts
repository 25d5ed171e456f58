import { encode } from '@atproto/lex-cbor'
import { type Cid, cidForCbor } from '@atproto/lex-data'
import { MemoryBlockstore, MST, mstUtil } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { encodeNode } from '../../src/actors/repo/commit/node-encoding'
import { prng } from '../helpers/prng'

/** Every node of a tree, depth first. */
async function nodesOf(tree: MST): Promise<MST[]> {
  const out = [tree]
  for (const e of await tree.getEntries()) if (e.isTree()) out.push(...(await nodesOf(e)))
  return out
}

describe('encodeNode', () => {
  it("gives @atproto/repo's bytes for every node of random trees, and so the library's root", async () => {
    const rand = prng(7)
    let checked = 0
    for (let round = 0; round < 6; round++) {
      let tree = await MST.create(new MemoryBlockstore())
      const size = 1 + Math.floor(rand() * 400)
      for (let i = 0; i < size; i++) {
        // Mixed key shapes: TIDs' shared prefixes, short keys, several collections.
        const collection = ['app.bsky.feed.post', 'app.bsky.feed.like', 'x.y'][Math.floor(rand() * 3)]
        const rkey = rand() < 0.7 ? `3l${Math.floor(rand() * 1e12).toString(36)}` : `k${i}`
        const cid: Cid = await cidForCbor(encode({ i, round }))
        if ((await tree.get(`${collection}/${rkey}`)) === null)
          tree = await tree.add(`${collection}/${rkey}`, cid)
      }
      await tree.getPointer()
      for (const node of await nodesOf(tree)) {
        const entries = await node.getEntries()
        const expected = encode(mstUtil.serializeNodeData(entries))
        const bytes = encodeNode(entries)
        expect(Buffer.from(bytes).equals(Buffer.from(expected))).toBe(true)
        expect((await cidForCbor(bytes)).equals(await node.getPointer())).toBe(true)
        checked++
      }
    }
    expect(checked).toBeGreaterThan(20)
  })

  it('encodes the empty node as the library does', async () => {
    const empty = await MST.create(new MemoryBlockstore())
    expect(Buffer.from(encodeNode([])).equals(Buffer.from(encode(mstUtil.serializeNodeData([]))))).toBe(true)
    expect((await cidForCbor(encodeNode([]))).equals(await empty.getPointer())).toBe(true)
  })

  it('refuses an invalid key as the library does', async () => {
    const cid = await cidForCbor(encode({ a: 1 }))
    const tree = await MST.create(new MemoryBlockstore())
    const bad = await tree.add('app.bsky.feed.post/ok', cid)
    const entries = await bad.getEntries()
    // A leaf whose key is not a valid MST key (no collection separator).
    const leaf = entries[0]
    if (!leaf?.isLeaf()) throw new Error('expected a leaf')
    Object.assign(leaf, { key: 'no-slash' })
    expect(() => encodeNode(entries)).toThrow()
  })
})
