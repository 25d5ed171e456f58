import { describe, expect, it } from 'vitest'
import { agent, OWNER, xrpc } from './helpers/client'
import { checkStream } from './helpers/firehose-checks'
import { subscribe } from './helpers/firehose-client'
import { untilHead } from './helpers/sequencer'
import { expectXrpcError } from './helpers/xrpc-expect'

describe('account deactivation and activation', () => {
  it('announces both on the firehose, refuses sync reads and writes while inactive, and re-syncs on activation', async () => {
    const a = agent()
    await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'com.example.acct',
      record: { n: 1 },
    })
    await untilHead(4)
    const sub = await subscribe(4)

    expect((await xrpc('com.atproto.server.deactivateAccount', { body: {} })).status).toBe(200)
    const status = await a.com.atproto.sync.getRepoStatus({ did: OWNER.did })
    expect(status.data).toMatchObject({ did: OWNER.did, active: false, status: 'deactivated' })
    await expectXrpcError(
      await xrpc('com.atproto.sync.getRepo', { query: { did: OWNER.did } }),
      400,
      'RepoDeactivated',
    )
    await expectXrpcError(
      await xrpc('com.atproto.sync.getLatestCommit', { query: { did: OWNER.did } }),
      400,
      'RepoDeactivated',
    )
    for (const nsid of ['com.atproto.sync.getBlob', 'com.atproto.sync.listBlobs']) {
      const query = { did: OWNER.did, cid: 'bafkreie5cvv4h45feadgeuwhbcutmh6t2ceseocckahdoe6uat64zmz45' }
      await expectXrpcError(await xrpc(nsid, { query }), 400, 'RepoDeactivated')
    }
    const write = await xrpc('com.atproto.repo.createRecord', {
      body: { repo: OWNER.did, collection: 'com.example.acct', record: { n: 2 } },
    })
    await expectXrpcError(write, 400, 'AccountDeactivated')

    expect((await xrpc('com.atproto.server.activateAccount', { body: {} })).status).toBe(200)
    expect((await a.com.atproto.sync.getRepoStatus({ did: OWNER.did })).data.active).toBe(true)
    const frames = await sub.waitFor(4)
    sub.close()
    expect(frames.map((f) => f.header.t)).toEqual(['#account', '#account', '#identity', '#sync'])
    expect(frames[0]?.body).toMatchObject({ did: OWNER.did, active: false, status: 'deactivated' })
    expect(frames[1]?.body).toMatchObject({ did: OWNER.did, active: true })
    expect(frames[2]?.body).toMatchObject({ did: OWNER.did, handle: OWNER.handle })

    // The #sync commit is the new head: same data, next rev, and later commits chain to it.
    const latest = (await a.com.atproto.sync.getLatestCommit({ did: OWNER.did })).data
    expect(frames[3]?.body.rev).toBe(latest.rev)
    await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'com.example.acct',
      record: { n: 3 },
    })
    // identity, account, genesis, the first post, account ×2, identity, sync, the last post.
    await untilHead(9)
    const all = await subscribe(0)
    expect(await checkStream(await all.waitFor(9))).toBe(3)
    all.close()
  })

  it('refuses app-password sessions and anonymous callers', async () => {
    await expectXrpcError(
      await xrpc('com.atproto.server.deactivateAccount', { body: {}, auth: false }),
      401,
      'AuthenticationRequired',
    )
  })
})
