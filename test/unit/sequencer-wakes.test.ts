import { describe, expect, it } from 'vitest'
import { CrawlRequester } from '../../src/actors/sequencer/crawl-requester'
import { MemoryEventLog } from '../../src/actors/sequencer/memory-event-log'
import { Sequencer } from '../../src/actors/sequencer/sequencer'
import { memoryShardSet } from '../../src/actors/sequencer/shard-set'
import { ShardWaker } from '../../src/actors/sequencer/shard-waker'
import type { StoredFrame } from '../../src/shared/event-frame'
import type { Logger } from '../../src/shared/logger'

const quiet: Logger = { info() {}, warn() {}, error() {} }

/** A sequencer over memory, whose shards record each wake and answer at once. */
function sequencerWithShards() {
  const shards = memoryShardSet()
  const woken: { shard: string; head: number; seqs: number[] }[] = []
  const sequencer = new Sequencer({
    log: new MemoryEventLog(),
    shards,
    placement: { shards: 4, fill: 2, nameOf: (n) => `shard-${n}` },
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

/** A shard load of `n` sockets of one client. */
const held = (n: number) => ({ sockets: n, clients: n > 0 ? ['client-a'] : [] })

const settle = () => new Promise((r) => setTimeout(r, 0))

describe('Sequencer wakes', () => {
  it('wakes only the shards registered as holding sockets', async () => {
    const { sequencer, woken, append } = sequencerWithShards()
    await append() // no shard holds sockets: nobody is called
    await settle()
    expect(woken).toEqual([])
    expect(sequencer.reportShard('shard-3', held(1))).toBe(1)
    await append()
    await settle()
    expect(woken.map((w) => w.shard)).toEqual(['shard-3'])
    sequencer.reportShard('shard-3', held(0))
    await append()
    await settle()
    expect(woken.map((w) => w.shard)).toEqual(['shard-3'])
  })

  it('answers a registering shard the head, so its new sockets start after every event it was not woken for', async () => {
    const { sequencer, append } = sequencerWithShards()
    await append()
    await append()
    expect(sequencer.reportShard('shard-0', held(1))).toBe(2)
    expect(sequencer.info().head).toBe(2)
  })
})
