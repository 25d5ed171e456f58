import { describe, expect, it } from 'vitest'
import {
  countDelivery,
  type DeliveryCount,
  expectedSeqs,
  isComplete,
  type SeenEvent,
  sumCounts,
} from '../../tools/loadtest/delivery-count'

/** Five acknowledged writes, sequenced as 11..15, each a `#commit` with its rev. */
const REVS = ['3kaaa', '3kaab', '3kaac', '3kaad', '3kaae']
const commit = (i: number): SeenEvent => ({ seq: 11 + i, type: '#commit', rev: REVS[i] })
const EXPECTED = { seqs: [11, 12, 13, 14, 15], revs: REVS }

/** A scripted stream: the indexes of the writes whose frames arrive, in arrival order. */
const stream = (...order: number[]): SeenEvent[] => order.map(commit)

const zero = { distinct: 5, missing: 0, pending: 0, duplicate: 0, outOfOrder: 0 }

describe('countDelivery', () => {
  it('counts a complete in-order stream as complete', () => {
    const c = countDelivery(stream(0, 1, 2, 3, 4), EXPECTED)
    expect(c).toEqual({ delivered: 5, bySeq: zero, byRev: { ...zero, foreign: 0 } })
    expect(isComplete(c)).toBe(true)
  })

  type Case = { name: string; order: number[]; seq: Partial<DeliveryCount['bySeq']>; rev?: object }
  const cases: Case[] = [
    { name: 'a hole as missing', order: [0, 1, 3, 4], seq: { distinct: 4, missing: 1 } },
    { name: 'two holes as missing', order: [0, 2, 4], seq: { distinct: 3, missing: 2 } },
    { name: 'a cut-off tail as pending, not missing', order: [0, 1, 2], seq: { distinct: 3, pending: 2 } },
    { name: 'nothing at all as pending', order: [], seq: { distinct: 0, pending: 5 } },
    { name: 'a repeated frame as a duplicate', order: [0, 1, 1, 2, 3, 4], seq: { duplicate: 1 } },
    {
      name: 'a replay of the whole stream as duplicates',
      order: [0, 1, 2, 3, 4, 0, 1],
      seq: { duplicate: 2 },
    },
    { name: 'a swapped pair as one out of order', order: [0, 2, 1, 3, 4], seq: { outOfOrder: 1 } },
    { name: 'a late first frame as one out of order', order: [1, 2, 3, 4, 0], seq: { outOfOrder: 1 } },
    { name: 'a reversed stream as all but one out of order', order: [4, 3, 2, 1, 0], seq: { outOfOrder: 4 } },
    {
      name: 'a late frame that fills a hole as out of order, not missing',
      order: [0, 1, 3, 4, 2],
      seq: { outOfOrder: 1 },
    },
    {
      name: 'a hole, a duplicate and a reordering together',
      order: [0, 2, 2, 1, 4],
      seq: { distinct: 4, missing: 1, duplicate: 1, outOfOrder: 1 },
    },
  ]

  it.each(cases)('counts $name, by seq and by rev alike', ({ order, seq }) => {
    const c = countDelivery(stream(...order), EXPECTED)
    const want = { ...zero, ...seq }
    expect(c.delivered).toBe(order.length)
    expect(c.bySeq).toEqual(want)
    expect(c.byRev).toEqual({ ...want, foreign: 0 })
    expect(isComplete(c)).toBe(false)
  })

  it('counts non-commit events by seq only', () => {
    const identity: SeenEvent = { seq: 13, type: '#identity' }
    const seen = [commit(0), commit(1), identity, { seq: 14, type: '#commit', rev: REVS[2] }]
    const c = countDelivery(seen, { seqs: [11, 12, 13, 14], revs: REVS.slice(0, 3) })
    expect(c.bySeq).toEqual({ distinct: 4, missing: 0, pending: 0, duplicate: 0, outOfOrder: 0 })
    expect(c.byRev).toEqual({ distinct: 3, missing: 0, pending: 0, duplicate: 0, outOfOrder: 0, foreign: 0 })
    expect(isComplete(c)).toBe(true)
  })

  it('counts a commit nobody acknowledged as foreign, not as delivered by rev', () => {
    const seen = [...stream(0, 1, 2, 3, 4), { seq: 16, type: '#commit', rev: '3kzzz' }]
    const c = countDelivery(seen, { seqs: [...EXPECTED.seqs, 16], revs: REVS })
    expect(c.byRev).toEqual({ ...zero, foreign: 1 })
    expect(isComplete(c)).toBe(true)
  })

  it('sees a commit delivered under the wrong seq by rev', () => {
    // Seqs look perfect, but the frame at seq 13 carries write 1's rev again and write 2 is lost.
    const seen = [commit(0), commit(1), { seq: 13, type: '#commit', rev: REVS[1] }, commit(3), commit(4)]
    const c = countDelivery(seen, EXPECTED)
    expect(c.bySeq).toEqual(zero)
    expect(c.byRev).toEqual({ ...zero, distinct: 4, missing: 1, duplicate: 1, foreign: 0 })
    expect(isComplete(c)).toBe(false)
  })
})

describe('expectedSeqs', () => {
  it('is the union of what the subscribers got, with the gaps nobody got', () => {
    const a = stream(0, 1, 4)
    const b = stream(0, 3)
    expect(expectedSeqs([a, b])).toEqual({ seqs: [11, 12, 14, 15], unseenInRange: 1 })
    expect(expectedSeqs([])).toEqual({ seqs: [], unseenInRange: 0 })
  })
})

describe('sumCounts', () => {
  it('adds up every field', () => {
    const a = countDelivery(stream(0, 1, 1, 3), EXPECTED)
    const b = countDelivery(stream(1, 0), EXPECTED)
    const total = sumCounts([a, b])
    expect(total.delivered).toBe(6)
    expect(total.bySeq).toEqual({ distinct: 5, missing: 1, pending: 4, duplicate: 1, outOfOrder: 1 })
    expect(total.byRev.foreign).toBe(0)
  })
})
