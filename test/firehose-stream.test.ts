import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { sequencerStub as sequencer } from './helpers/actors'
import { agent, BASE_URL, OWNER } from './helpers/client'
import { checkStream, seqs } from './helpers/firehose-checks'
import { subscribe } from './helpers/firehose-client'

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

/** Waits until the sequencer has sequenced every commit made so far (delivery is asynchronous). */
async function settledHead(): Promise<number> {
  const { rev } = (await agent().com.atproto.sync.getLatestCommit({ did: OWNER.did })).data
  for (let i = 0; i < 200; i++) {
    const sub = await subscribe(0)
    const { head } = await sequencer().info()
    const frames = await sub.waitFor(head)
    sub.close()
    if (frames.some((f) => f.body.rev === rev)) return head
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error('the latest commit never reached the sequencer')
}

async function mixedWorkload(): Promise<void> {
  const a = agent()
  const coll = 'com.example.thing'
  const created = await a.com.atproto.repo.createRecord({
    repo: OWNER.did,
    collection: coll,
    record: { n: 1 },
  })
  const rkey = created.data.uri.split('/').pop() as string
  await a.com.atproto.repo.putRecord({ repo: OWNER.did, collection: coll, rkey, record: { n: 2 } })
  await a.com.atproto.repo.applyWrites({
    repo: OWNER.did,
    writes: [
      { $type: 'com.atproto.repo.applyWrites#create', collection: coll, rkey: 'batch-a', value: { n: 3 } },
      { $type: 'com.atproto.repo.applyWrites#create', collection: coll, rkey: 'batch-b', value: { n: 4 } },
      { $type: 'com.atproto.repo.applyWrites#update', collection: coll, rkey, value: { n: 5 } },
    ],
  })
  await a.com.atproto.repo.applyWrites({
    repo: OWNER.did,
    writes: [
      { $type: 'com.atproto.repo.applyWrites#delete', collection: coll, rkey: 'batch-a' },
      { $type: 'com.atproto.repo.applyWrites#update', collection: coll, rkey: 'batch-b', value: { n: 6 } },
    ],
  })
  await a.com.atproto.repo.deleteRecord({ repo: OWNER.did, collection: coll, rkey })
}

describe('subscribeRepos stream', () => {
  it('passes a strict relay check from the genesis commit on', async () => {
    await mixedWorkload()
    const head = await settledHead()
    const sub = await subscribe(0)
    const frames = await sub.waitFor(head)
    sub.close()
    expect(seqs(frames)).toEqual(range(1, head))
    expect(frames.slice(0, 3).map((f) => f.header.t)).toEqual(['#identity', '#account', '#commit'])
    expect(await checkStream(frames)).toBe(head - 2)
  })

  it('replays from a cursor into live events under concurrent writes with no gap or duplicate', async () => {
    const start = await settledHead()
    const a = agent()
    const writes = (async () => {
      for (let i = 0; i < 25; i++) {
        await a.com.atproto.repo.createRecord({
          repo: OWNER.did,
          collection: 'com.example.cut',
          record: { i },
        })
      }
    })()
    const subs = [await subscribe(start - 3), await subscribe(start)]
    await writes
    const subs2 = [await subscribe(start - 3), await subscribe()]
    const head = await settledHead()
    expect(head).toBe(start + 25)
    const [early, atStart] = await Promise.all([
      subs[0]?.waitFor(head - start + 3),
      subs[1]?.waitFor(head - start),
    ])
    expect(seqs(early ?? [])).toEqual(range(start - 2, head))
    expect(seqs(atStart ?? [])).toEqual(range(start + 1, head))
    // Several subscribers receive byte-identical frames for the same seqs.
    const late = await subs2[0]?.waitFor(head - start + 3)
    expect(late?.map((f) => f.bytes)).toEqual(early?.map((f) => f.bytes))
    for (const s of [...subs, ...subs2]) s?.close()
  })

  it('answers a cursor past the head with a FutureCursor error frame and close 1008', async () => {
    const { head } = await sequencer().info()
    const sub = await subscribe(head + 1000)
    const closed = await sub.closed
    expect(sub.frames).toHaveLength(1)
    expect(sub.frames[0]?.header).toEqual({ op: -1 })
    expect(sub.frames[0]?.body.error).toBe('FutureCursor')
    expect(closed.code).toBe(1008)
  })

  it('streams only new events without a cursor', async () => {
    const sub = await subscribe()
    await agent().com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'com.example.live',
      record: { x: 1 },
    })
    const head = await settledHead()
    const [frame] = await sub.waitFor(1)
    expect(frame?.body.seq).toBe(head)
    sub.close()
  })

  it('refuses non-GET, missing upgrade and malformed cursors, and never claims to be a relay', async () => {
    const url = `${BASE_URL}/xrpc/com.atproto.sync.subscribeRepos`
    expect((await SELF.fetch(url, { method: 'POST' })).status).toBe(405)
    expect((await SELF.fetch(url)).status).toBe(426)
    const bad = await SELF.fetch(`${url}?cursor=-1`, { headers: { upgrade: 'websocket' } })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: string }).error).toBe('InvalidRequest')
    const sub = await subscribe()
    expect(sub.response.status).toBe(101)
    expect(sub.response.headers.get('server') ?? '').not.toContain('atproto-relay')
    sub.close()
  })
})
