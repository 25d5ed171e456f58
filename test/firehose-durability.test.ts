import { abortAllDurableObjects, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { identityEvent } from '../src/actors/repo/commit/firehose-events'
import { SqlOutbox } from '../src/actors/repo/outbox/sql-outbox'
import { repoStub as repo, sequencerStub as sequencer } from './helpers/actors'
import { agent, OWNER } from './helpers/client'
import { checkStream, seqs } from './helpers/firehose-checks'
import { subscribe } from './helpers/firehose-client'
import { withSequencer } from './helpers/opened-repo'
import { settledHead, untilHead } from './helpers/sequencer'

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

async function createRecords(n: number, collection = 'com.example.durable'): Promise<void> {
  const a = agent()
  for (let i = 0; i < n; i++)
    await a.com.atproto.repo.createRecord({ repo: OWNER.did, collection, record: { i } })
}

describe('firehose durability', () => {
  it('keeps seq continuous and the commit chain intact across actor restarts', async () => {
    await createRecords(5)
    await untilHead(8)
    const relay = await subscribe(8)
    await abortAllDurableObjects()
    await createRecords(5)
    await untilHead(13)
    // A relay that reconnects with its last seq resumes with no gap or duplicate.
    const resumed = await subscribe(8)
    expect(seqs(await resumed.waitFor(5))).toEqual(range(9, 13))
    const all = await subscribe(0)
    const frames = await all.waitFor(13)
    expect(seqs(frames)).toEqual(range(1, 13))
    expect(await checkStream(frames)).toBe(11)
    for (const s of [relay, resumed, all]) s.close()
  })

  it('delivers an event committed just before a crash once the repo actor starts again', async () => {
    const head = await settledHead()
    // A committed but undelivered event, as after an eviction between commit and delivery.
    await runInDurableObject(repo(), (_actor, state) => {
      const now = new Date().toISOString()
      new SqlOutbox(state.storage.sql).append(identityEvent(OWNER.did, OWNER.handle, now), now)
    })
    await abortAllDurableObjects()
    await repo().status() // any call starts the actor, which delivers what is pending
    await untilHead(head + 1)
    const sub = await subscribe(head)
    const [frame] = await sub.waitFor(1)
    expect(frame?.header.t).toBe('#identity')
    expect(frame?.body).toMatchObject({ seq: head + 1, did: OWNER.did, handle: OWNER.handle })
    sub.close()
  })

  it('lets a stalled subscriber lag without holding up writes or other subscribers', async () => {
    const head = await settledHead()
    const stalled = await subscribe(head, { accept: false }) // never reads until the end
    const healthy = await Promise.all([subscribe(head), subscribe(head), subscribe()])
    await createRecords(30, 'com.example.stall')
    await untilHead(head + 30)
    expect(seqs(await healthy[0].waitFor(30))).toEqual(range(head + 1, head + 30))
    expect(seqs(await healthy[1].waitFor(30))).toEqual(range(head + 1, head + 30))
    expect(seqs(await healthy[2].waitFor(30))).toEqual(range(head + 1, head + 30))
    expect(stalled.frames).toHaveLength(0)
    // Once it reads again it gets everything, in order.
    stalled.ws.accept()
    expect(seqs(await stalled.waitFor(30))).toEqual(range(head + 1, head + 30))
    for (const s of [stalled, ...healthy]) s.close()
  })

  it('replays from the oldest kept event after an OutdatedCursor info once old events are pruned', async () => {
    await createRecords(4, 'com.example.prune')
    const head = await settledHead()
    expect(await withSequencer((s) => s.prune({ maxAgeMs: 0, minEvents: 3 }))).toBe(head - 3)
    expect(await sequencer().info()).toEqual({ head, oldest: head - 2 })
    const sub = await subscribe(1)
    const frames = await sub.waitFor(4)
    expect(frames[0]?.header).toEqual({ op: 1, t: '#info' })
    expect(frames[0]?.body.name).toBe('OutdatedCursor')
    expect(seqs(frames.slice(1))).toEqual(range(head - 2, head))
    sub.close()
  })
})
