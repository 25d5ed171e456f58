import { describe, expect, it } from 'vitest'
import { agent, OWNER, xrpc } from './helpers/client'
import { expectXrpcError, repoHead } from './helpers/xrpc-expect'

const THING = 'com.example.thing'

const getThing = (rkey: string) =>
  xrpc('com.atproto.repo.getRecord', { query: { repo: OWNER.did, collection: THING, rkey }, auth: false })

describe('com.atproto.repo.putRecord', () => {
  it('creates a record, then updates it with a new commit each time', async () => {
    const a = agent()
    const created = await a.com.atproto.repo.putRecord({
      repo: OWNER.did,
      collection: THING,
      rkey: 'put-then-update',
      record: { $type: THING, version: 1 },
    })
    expect(created.data.uri).toBe(`at://${OWNER.did}/${THING}/put-then-update`)
    expect(created.data.validationStatus).toBe('unknown')
    const afterCreate = await repoHead()
    expect(created.data.commit).toEqual(afterCreate)

    const updated = await a.com.atproto.repo.putRecord({
      repo: OWNER.did,
      collection: THING,
      rkey: 'put-then-update',
      record: { $type: THING, version: 2 },
    })
    expect(updated.data.cid).not.toBe(created.data.cid)
    const afterUpdate = await repoHead()
    expect(updated.data.commit).toEqual(afterUpdate)
    expect(afterUpdate.rev > afterCreate.rev).toBe(true)

    const got = await a.com.atproto.repo.getRecord({
      repo: OWNER.did,
      collection: THING,
      rkey: 'put-then-update',
    })
    expect(got.data).toMatchObject({ cid: updated.data.cid, value: { $type: THING, version: 2 } })
  })

  it('makes no new commit for an identical put', async () => {
    const a = agent()
    const input = {
      repo: OWNER.did,
      collection: THING,
      rkey: 'put-identical',
      record: { $type: THING, same: 1 },
    }
    const first = await a.com.atproto.repo.putRecord(input)
    const before = await repoHead()
    const second = await a.com.atproto.repo.putRecord(input)
    expect(second.data.cid).toBe(first.data.cid)
    expect(second.data.uri).toBe(first.data.uri)
    expect(await repoHead()).toEqual(before)
  })

  it('validates a known lexicon on put', async () => {
    const res = await xrpc('com.atproto.repo.putRecord', {
      body: {
        repo: OWNER.did,
        collection: 'app.bsky.actor.profile',
        rkey: 'self',
        record: { $type: 'app.bsky.actor.profile', displayName: 'Alice' },
      },
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { validationStatus?: string }).validationStatus).toBe('valid')
  })

  it('requires an rkey', async () => {
    const res = await xrpc('com.atproto.repo.putRecord', {
      body: { repo: OWNER.did, collection: THING, record: { $type: THING } },
    })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })
})

describe('com.atproto.repo.deleteRecord', () => {
  it('deletes a record with a new commit', async () => {
    const a = agent()
    await a.com.atproto.repo.putRecord({
      repo: OWNER.did,
      collection: THING,
      rkey: 'to-delete',
      record: { n: 1 },
    })
    expect((await getThing('to-delete')).status).toBe(200)
    const before = await repoHead()

    const res = await a.com.atproto.repo.deleteRecord({
      repo: OWNER.did,
      collection: THING,
      rkey: 'to-delete',
    })
    const after = await repoHead()
    expect(res.data.commit).toEqual(after)
    expect(after.rev > before.rev).toBe(true)
    await expectXrpcError(await getThing('to-delete'), 400, 'RecordNotFound')
  })

  it('is a 200 no-op for a missing record', async () => {
    const before = await repoHead()
    const res = await xrpc('com.atproto.repo.deleteRecord', {
      body: { repo: OWNER.did, collection: THING, rkey: 'never-existed' },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body.commit).toBeUndefined()
    expect(await repoHead()).toEqual(before)
  })

  it('removes the collection from describeRepo once its last record is gone', async () => {
    const a = agent()
    const collection = 'com.example.lonely'
    await a.com.atproto.repo.putRecord({ repo: OWNER.did, collection, rkey: 'only', record: { n: 1 } })
    const described = async () =>
      (await a.com.atproto.repo.describeRepo({ repo: OWNER.did })).data.collections
    expect(await described()).toContain(collection)
    await a.com.atproto.repo.deleteRecord({ repo: OWNER.did, collection, rkey: 'only' })
    expect(await described()).not.toContain(collection)
  })
})
