import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { agent, BASE_URL, OWNER } from './helpers/client'
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

  it('declines permessage-deflate, which ws clients offer by default', async () => {
    // Compression would run per socket on every frame (README, "Firehose compression").
    const res = await SELF.fetch(new URL('/xrpc/com.atproto.sync.subscribeRepos', BASE_URL), {
      headers: {
        upgrade: 'websocket',
        'sec-websocket-extensions': 'permessage-deflate; client_max_window_bits',
      },
    })
    expect(res.status).toBe(101)
    expect(res.headers.get('sec-websocket-extensions')).toBeNull()
    const ws = res.webSocket
    if (!ws) throw new Error('no WebSocket')
    ws.accept()
    ws.close(1000, 'done')
  })
})
