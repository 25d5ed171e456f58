import { describe, expect, it } from 'vitest'
import { percentile, ratio, summarize, timeSeries } from '../../tools/loadtest/stats'

describe('percentile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1)

  it.each([
    [50, 50],
    [95, 95],
    [99, 99],
    [100, 100],
    [0, 1],
  ])('takes the nearest rank: p%i of 1..100 is %i', (p, want) => {
    expect(percentile(hundred, p)).toBe(want)
  })

  it('gives the largest sample as p99 of fewer than 100', () => {
    expect(percentile([1, 2, 3, 4, 5], 99)).toBe(5)
  })

  it('is undefined without samples', () => {
    expect(percentile([], 50)).toBeUndefined()
  })
})

describe('summarize', () => {
  it('sorts before ranking and reports null for no samples', () => {
    expect(summarize([30, 10, 20])).toEqual({ n: 3, mean: 20, p50: 20, p95: 30, p99: 30, max: 30 })
    expect(summarize([])).toEqual({ n: 0, mean: null, p50: null, p95: null, p99: null, max: null })
  })
})

describe('ratio', () => {
  it('divides, and is null when a side is missing or zero', () => {
    expect(ratio(30, 20)).toBe(1.5)
    expect(ratio(null, 20)).toBeNull()
    expect(ratio(30, 0)).toBeNull()
  })
})

describe('timeSeries', () => {
  it('buckets samples by time and leaves empty buckets out', () => {
    const samples = [
      { t: 0, v: 1 },
      { t: 10, v: 3 },
      { t: 95, v: 7 },
      { t: 100, v: 9 }, // the end of the span falls in the last bucket
    ]
    expect(timeSeries(samples, 100, 4)).toEqual([
      { t: 0, n: 2, p50: 1, p99: 3, max: 3 },
      { t: 75, n: 2, p50: 7, p99: 9, max: 9 },
    ])
  })
})
