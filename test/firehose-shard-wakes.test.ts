import { describe, expect, it, vi } from 'vitest'
import { agent, OWNER } from './helpers/client'
import { seqs } from './helpers/firehose-checks'
import { subscribe } from './helpers/firehose-client'
import { sequencer, settledHead } from './helpers/sequencer'

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

async function writeMany(n: number, tag: string): Promise<void> {
  const a = agent()
  for (let i = 0; i < n; i++)
    await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'com.example.wake',
      record: { tag, i },
    })
}

describe('shard wakes', () => {
  it('a live subscriber that connects mid-stream, while writes land, gets every event after the head it joined at', async () => {
    await writeMany(3, 'before')
    const writes = writeMany(20, 'during')
    const start = (await sequencer().info()).head
    const sub = await subscribe()
    await writes
    const head = await settledHead()
    const first = seqs(await sub.waitFor(1))[0] ?? 0
    const frames = await sub.waitFor(head - first + 1)
    sub.close()
    // Nothing before its join point, nothing missing after it, no duplicate.
    expect(first).toBeGreaterThan(start)
    expect(first).toBeLessThanOrEqual(head)
    expect(seqs(frames)).toEqual(range(first, head))
  })

  it('the sequencer stops waking a shard once its last socket closed, and wakes it again for a new one', async () => {
    const sub = await subscribe()
    const { shards } = await sequencer().figures()
    expect(shards).toHaveLength(1)
    sub.close()
    await sub.closed
    await vi.waitFor(async () => expect((await sequencer().figures()).shards).toEqual([]))
    await writeMany(2, 'nobody')
    // Sequenced before anyone subscribes (delivery is paced after a commit).
    const from = await settledHead()
    expect((await sequencer().figures()).shards).toEqual([])
    const again = await subscribe()
    expect((await sequencer().figures()).shards).toEqual(shards)
    await writeMany(2, 'back')
    const frames = await again.waitFor(2)
    again.close()
    expect(seqs(frames)).toEqual([from + 1, from + 2])
  })

  it('sockets of distinct clients fill the lowest shard, so each event wakes one shard', async () => {
    const from = await settledHead()
    const subs = await Promise.all(
      ['198.51.100.1', '198.51.100.2', '198.51.100.3'].map((ip) => subscribe(undefined, { ip })),
    )
    expect((await sequencer().figures()).shards).toEqual(['shard-0'])
    await writeMany(2, 'shared')
    for (const sub of subs) expect(seqs(await sub.waitFor(2))).toEqual([from + 1, from + 2])
    for (const sub of subs) sub.close()
  })
})
