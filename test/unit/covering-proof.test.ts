import { encode } from '@atproto/lex-cbor'
import { cidForCbor } from '@atproto/lex-data'
import { CidSet, MemoryBlockstore, MST } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { addCoveringProof } from '../../src/actors/repo/commit/covering-proof'
import { prng } from '../helpers/prng'

const sorted = (cids: Iterable<{ toString(): string }>) => [...cids].map(String).sort()

describe('addCoveringProof', () => {
  it('finds exactly the nodes of MST.getCoveringProof, for present and absent keys', async () => {
    const random = prng(7)
    const leaf = await cidForCbor(encode({ leaf: true }))
    let checked = 0
    for (let t = 0; t < 40; t++) {
      const keys = Array.from(
        { length: 1 + Math.floor(random() * 300) },
        () => `com.example.t/k${Math.floor(random() * 1e9)}`,
      )
      let tree = await MST.create(new MemoryBlockstore())
      for (const k of new Set(keys)) tree = await tree.add(k, leaf)
      const probes = [
        ...keys.slice(0, 15),
        ...Array.from({ length: 10 }, () => `com.example.t/k${Math.floor(random() * 1e9)}`),
      ]
      for (const key of probes) {
        const ours = new CidSet()
        await addCoveringProof(tree, key, ours)
        const reference = await tree.getCoveringProof(key)
        expect(sorted(ours), key).toEqual(sorted(reference.cids()))
        checked += 1
      }
    }
    expect(checked).toBe(1000)
  })
})
