import { describe, expect, it } from 'vitest'
import type { StoredFrame } from '../../src/shared/event-frame'
import { FrameCache } from '../../src/shared/frame-cache'

const frames = (from: number, to: number, bytes = 10): StoredFrame[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i, frame: new Uint8Array(bytes) }))

describe('FrameCache', () => {
  it('drops every frame at or below a seq, and counts its bytes down', () => {
    const cache = new FrameCache()
    cache.add(frames(1, 10))
    cache.dropThrough(7)
    expect(cache.held()).toEqual({ frames: 3, bytes: 30 })
    expect(cache.range(7, 10)?.map((f) => f.seq)).toEqual([8, 9, 10])
    expect(cache.has(7)).toBe(false)
  })

  it('takes frames below a drop again (a replay), and drops them by walking its frames', () => {
    const cache = new FrameCache()
    cache.add(frames(1_000, 1_002))
    cache.dropThrough(1_001)
    cache.add(frames(1, 3)) // far below: the next drop walks the frames, not the seqs
    expect(cache.held().frames).toBe(4)
    cache.dropThrough(1_002)
    expect(cache.held()).toEqual({ frames: 0, bytes: 0 })
  })

  it('evicts the frames added first past its byte cap', () => {
    const cache = new FrameCache(100, 50)
    cache.add(frames(1, 8))
    expect(cache.held()).toEqual({ frames: 5, bytes: 50 })
    expect(cache.has(3)).toBe(false)
    expect(cache.has(4)).toBe(true)
  })
})
