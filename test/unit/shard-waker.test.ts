import { describe, expect, it } from 'vitest'
import { ShardWaker } from '../../src/actors/sequencer/shard-waker'
import type { StoredFrame } from '../../src/shared/event-frame'
import { FrameCache } from '../../src/shared/frame-cache'

const frame = (seq: number): StoredFrame => ({ seq, frame: new Uint8Array([seq]) })

/** A shard stub whose calls resolve when the test says so. */
function fakeShard() {
  const calls: { head: number; seqs: number[]; done: () => void }[] = []
  const target = {
    wake: (head: number, frames: StoredFrame[]) =>
      new Promise<void>((done) => calls.push({ head, seqs: frames.map((f) => f.seq), done })),
  }
  return { calls, target }
}

describe('ShardWaker', () => {
  it('hands a shard the frames after the head it acknowledged, and coalesces heads while a call is out', async () => {
    const recent = new FrameCache()
    const { calls, target } = fakeShard()
    const notifier = new ShardWaker(
      () => target,
      (a, h) => recent.range(a, h),
      () => {},
    )
    recent.add([frame(1)])
    notifier.wake(['s'], 1)
    expect(calls.map((c) => [c.head, c.seqs])).toEqual([[1, []]]) // first contact: the shard reads itself
    recent.add([frame(2), frame(3)])
    notifier.wake(['s'], 2)
    notifier.wake(['s'], 3)
    expect(calls).toHaveLength(1)
    calls[0]?.done()
    await new Promise((r) => setTimeout(r, 0))
    expect(calls.map((c) => [c.head, c.seqs])).toEqual([
      [1, []],
      [3, [2, 3]],
    ])
  })

  it('sends no frames when some are no longer in memory', async () => {
    const recent = new FrameCache(2)
    const { calls, target } = fakeShard()
    const notifier = new ShardWaker(
      () => target,
      (a, h) => recent.range(a, h),
      () => {},
    )
    notifier.wake(['s'], 0)
    calls[0]?.done()
    await new Promise((r) => setTimeout(r, 0))
    recent.add([frame(1), frame(2), frame(3)]) // frame 1 is evicted
    notifier.wake(['s'], 3)
    expect(calls.at(-1)?.seqs).toEqual([])
  })

  it('makes a shard its stub once, and a new one after a call failed', async () => {
    let made = 0
    let fail = false
    const errors: string[] = []
    const notifier = new ShardWaker(
      () => {
        made += 1
        return { wake: async () => (fail ? Promise.reject(new Error('broken')) : undefined) }
      },
      () => null,
      (name) => errors.push(name),
    )
    const settle = () => new Promise((r) => setTimeout(r, 0))
    for (let head = 1; head <= 3; head++) {
      notifier.wake(['s'], head)
      await settle()
    }
    expect(made).toBe(1)
    fail = true
    notifier.wake(['s'], 4)
    await settle()
    fail = false
    notifier.wake(['s'], 5)
    await settle()
    expect(errors).toEqual(['s'])
    expect(made).toBe(2)
  })

  it('releases the frames every acknowledging shard has', async () => {
    const recent = new FrameCache()
    const a = fakeShard()
    const b = fakeShard()
    const released: number[] = []
    const notifier = new ShardWaker(
      (name) => (name === 'a' ? a.target : b.target),
      (after, head) => recent.range(after, head),
      () => {},
      (through) => released.push(through),
    )
    const settle = () => new Promise((r) => setTimeout(r, 0))
    notifier.wake(['a', 'b'], 1)
    a.calls[0]?.done()
    await settle()
    expect(released).toEqual([1]) // b never acknowledged: it reads its own frames
    b.calls[0]?.done()
    await settle()
    notifier.wake(['a', 'b'], 3)
    a.calls[1]?.done()
    await settle()
    expect(released.at(-1)).toBe(1) // b still has only 1
    b.calls[1]?.done()
    await settle()
    expect(released.at(-1)).toBe(3)
  })
})
