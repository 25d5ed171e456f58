import { encode } from '@atproto/lex-cbor'
import { cidForCbor } from '@atproto/lex-data'
import { BlockMap, blocksToCarFile, readCar } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { carBytes } from '../../src/actors/repo/commit/car-bytes'

describe('carBytes', () => {
  it.each([0, 1, 100, 20_000, 3_000_000])(
    'gives the bytes blocksToCarFile gives (a block of %i bytes among small ones)',
    async (size) => {
      const blocks = new BlockMap()
      for (const value of [{ a: 1 }, { text: 'x'.repeat(size) }, { b: [1, 2, 3] }]) {
        const bytes = encode(value)
        blocks.set(await cidForCbor(bytes), bytes)
      }
      const root = await cidForCbor(encode({ root: true }))
      const ours = carBytes(root, blocks)
      expect(Buffer.from(ours).equals(Buffer.from(await blocksToCarFile(root, blocks)))).toBe(true)
      const read = await readCar(ours)
      expect(read.roots.map(String)).toEqual([root.toString()])
      expect(read.blocks.size).toBe(3)
    },
  )
})
