import { encode } from '@atproto/lex-cbor'
import { cidForCbor } from '@atproto/lex-data'
import { BlockMap } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { RecentNodes } from '../../src/actors/repo/commit/recent-nodes'

const block = async (n: number) => {
  const bytes = encode({ n })
  return { cid: await cidForCbor(bytes), bytes }
}

describe('RecentNodes', () => {
  it('answers the bytes it learnt by CID, and nothing for others', async () => {
    const recent = new RecentNodes(4)
    const [a, b] = [await block(1), await block(2)]
    recent.addAll(new BlockMap().set(a.cid, a.bytes))
    expect(recent.get(a.cid)).toEqual(a.bytes)
    expect(recent.get(b.cid)).toBeUndefined()
  })

  it('forgets the least recently stored entry once past its capacity', async () => {
    const recent = new RecentNodes(2)
    const [a, b, c] = [await block(1), await block(2), await block(3)]
    recent.set(a.cid, a.bytes)
    recent.set(b.cid, b.bytes)
    recent.set(a.cid, a.bytes) // stored again: now the newest
    recent.set(c.cid, c.bytes)
    expect(recent.get(b.cid)).toBeUndefined()
    expect(recent.get(a.cid)).toEqual(a.bytes)
    expect(recent.get(c.cid)).toEqual(c.bytes)
  })
})
