import { describe, expect, it } from 'vitest'
import { agent, OWNER } from './helpers/client'
import { subscribe } from './helpers/firehose-client'

describe('subscribeRepos', () => {
  it('replays from cursor 0 and then streams live commits', async () => {
    const a = agent()
    await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'com.example.thing',
      record: { n: 1 },
    })
    const sub = await subscribe(0)
    const first = await sub.waitFor(4)
    expect(first.map((f) => f.header.t)).toEqual(['#identity', '#account', '#commit', '#commit'])
    expect(first.map((f) => f.body.seq)).toEqual([1, 2, 3, 4])
    await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'com.example.thing',
      record: { n: 2 },
    })
    const all = await sub.waitFor(5)
    expect(all[4]?.header.t).toBe('#commit')
    expect(all[4]?.body.seq).toBe(5)
    sub.close()
  })
})
