import { describe, expect, it } from 'vitest'
import { ShardPlacement } from '../../src/actors/sequencer/shard-placement'
import { memoryShardSet } from '../../src/actors/sequencer/shard-set'

const nameOf = (n: number) => `shard-${n}`

function placement(fill: number, shards = 3) {
  let now = 0
  const set = memoryShardSet()
  const p = new ShardPlacement(set, nameOf, { shards, fill }, () => now)
  const later = (ms: number) => {
    now += ms
  }
  return { p, set, later }
}

describe('ShardPlacement', () => {
  it('fills the lowest shard first, then the next', () => {
    const { p } = placement(2)
    expect(['a', 'b', 'c', 'd', 'e'].map((c) => p.place(c))).toEqual([
      'shard-0',
      'shard-0',
      'shard-1',
      'shard-1',
      'shard-2',
    ])
  })

  it('sends every socket of a client where its others are, even once that shard is past its fill', () => {
    const { p } = placement(1)
    expect(p.place('a')).toBe('shard-0')
    p.report('shard-0', { sockets: 5, clients: ['a'] })
    expect(p.place('b')).toBe('shard-1')
    expect(p.place('a')).toBe('shard-0')
    expect(p.place('b')).toBe('shard-1') // placed, not yet reported: still the same shard
  })

  it('takes a shard whose clients left for new clients again', () => {
    const { p } = placement(1)
    p.place('a')
    p.report('shard-0', { sockets: 1, clients: ['a'] })
    expect(p.place('b')).toBe('shard-1')
    p.report('shard-0', { sockets: 0, clients: [] })
    p.report('shard-1', { sockets: 1, clients: ['b'] })
    expect(p.place('c')).toBe('shard-0')
  })

  it('forgets a placement the shard never reported once it expired', () => {
    const { p, later } = placement(1)
    expect(p.place('a')).toBe('shard-0') // refused by the shard, say
    expect(p.place('b')).toBe('shard-1')
    later(31_000)
    expect(p.place('c')).toBe('shard-0')
  })

  it('spreads over the least loaded shard once every one is past its fill (fill 1: even spread)', () => {
    const { p } = placement(1)
    p.report('shard-0', { sockets: 3, clients: ['a'] })
    p.report('shard-1', { sockets: 1, clients: ['b'] })
    p.report('shard-2', { sockets: 2, clients: ['c'] })
    expect(p.place('d')).toBe('shard-1')
  })

  it('keeps what shards reported across a restart (the set persists it)', () => {
    const { p, set } = placement(1)
    p.report('shard-2', { sockets: 1, clients: ['a'] })
    const restarted = new ShardPlacement(set, nameOf, { shards: 3, fill: 1 }, () => 0)
    expect(restarted.place('a')).toBe('shard-2')
  })
})
