import { describe, expect, it } from 'vitest'
import { CrawlRequester } from '../../src/actors/sequencer/crawl-requester'
import { MemoryEventLog } from '../../src/actors/sequencer/memory-event-log'
import { Sequencer, type ShardSet } from '../../src/actors/sequencer/sequencer'
import { ShardWaker } from '../../src/actors/sequencer/shard-waker'
import type { StoredFrame } from '../../src/shared/event-frame'
import type { Logger } from '../../src/shared/logger'

const quiet: Logger = { info() {}, warn() {}, error() {} }

/** A sequencer over memory, whose shards record each wake and answer at once. */
function sequencerWithShards() {
  const names = new Set<string>()
  const shards: ShardSet = {
    names: () => names,
    add: (n) => void names.add(n),
    delete: (n) => void names.delete(n),
  }
  const woken: { shard: string; head: number; seqs: number[] }[] = []
  const sequencer = new Sequencer({
    log: new MemoryEventLog(),
    shards,
    waker: (recent) =>
      new ShardWaker(
        (shard) => ({
          wake: async (head: number, frames: StoredFrame[]) => {
            woken.push({ shard, head, seqs: frames.map((f) => f.seq) })
          },
        }),
        recent,
        () => {},
      ),
    crawler: new CrawlRequester([], 'pds.example.com', fetch, () => {}),
    retention: { maxAgeMs: 3_600_000, minEvents: 10 },
    schedulePrune: async () => {},
    waitUntil: () => {},
    now: () => 0,
    logger: quiet,
  })
  let outboxId = 0
  const append = () =>
    sequencer.append([{ outboxId: ++outboxId, type: '#identity', body: new Uint8Array([0xa0]) }])
  return { sequencer, woken, append }
}

const settle = () => new Promise((r) => setTimeout(r, 0))

describe('Sequencer wakes', () => {
  it('wakes only the shards registered as holding sockets', async () => {
    const { sequencer, woken, append } = sequencerWithShards()
    await append() // no shard holds sockets: nobody is called
    await settle()
    expect(woken).toEqual([])
    expect(sequencer.registerShard('shard-3')).toBe(1)
    await append()
    await settle()
    expect(woken.map((w) => w.shard)).toEqual(['shard-3'])
    sequencer.unregisterShard('shard-3')
    await append()
    await settle()
    expect(woken.map((w) => w.shard)).toEqual(['shard-3'])
  })

  it('answers a registering shard the head, so its new sockets start after every event it was not woken for', async () => {
    const { sequencer, append } = sequencerWithShards()
    await append()
    await append()
    expect(sequencer.registerShard('shard-0')).toBe(2)
    expect(sequencer.info().head).toBe(2)
  })
})
