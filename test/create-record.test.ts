import { isValidTid } from '@atproto/syntax'
import { describe, expect, it } from 'vitest'
import { agent, OWNER, xrpc } from './helpers/client'
import { expectNoCommit, expectXrpcError, repoHead } from './helpers/xrpc-expect'

const post = (text: string) => ({
  $type: 'app.bsky.feed.post',
  text,
  createdAt: new Date().toISOString(),
})

const rkeyOf = (uri: string): string => uri.split('/').at(-1) as string

describe('com.atproto.repo.createRecord', () => {
  it('generates a TID rkey and moves the repo head to the returned commit', async () => {
    const before = await repoHead()
    const res = await agent().com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'app.bsky.feed.post',
      record: post('tid rkey'),
    })
    const rkey = rkeyOf(res.data.uri)
    expect(isValidTid(rkey)).toBe(true)
    expect(res.data.uri).toBe(`at://${OWNER.did}/app.bsky.feed.post/${rkey}`)
    const after = await repoHead()
    expect(res.data.commit).toEqual(after)
    expect(after.rev > before.rev).toBe(true)
  })

  it('uses an explicit rkey', async () => {
    const res = await agent().com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'app.bsky.feed.post',
      rkey: 'explicit-key',
      record: post('explicit'),
    })
    expect(res.data.uri).toBe(`at://${OWNER.did}/app.bsky.feed.post/explicit-key`)
    const got = await agent().com.atproto.repo.getRecord({
      repo: OWNER.did,
      collection: 'app.bsky.feed.post',
      rkey: 'explicit-key',
    })
    expect(got.data.cid).toBe(res.data.cid)
  })

  it('accepts the owner handle as repo', async () => {
    const res = await agent().com.atproto.repo.createRecord({
      repo: OWNER.handle,
      collection: 'com.example.thing',
      record: { $type: 'com.example.thing', by: 'handle' },
    })
    expect(res.data.uri.startsWith(`at://${OWNER.did}/com.example.thing/`)).toBe(true)
  })

  it('defaults a missing $type to the collection', async () => {
    const a = agent()
    const res = await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'com.example.thing',
      record: { untyped: true },
    })
    const got = await a.com.atproto.repo.getRecord({
      repo: OWNER.did,
      collection: 'com.example.thing',
      rkey: rkeyOf(res.data.uri),
    })
    expect(got.data.value).toEqual({ $type: 'com.example.thing', untyped: true })
  })

  it("reports validationStatus 'valid' for a known lexicon", async () => {
    const res = await agent().com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'app.bsky.feed.post',
      record: post('valid'),
    })
    expect(res.data.validationStatus).toBe('valid')
  })

  it("reports validationStatus 'unknown' for an unknown collection", async () => {
    const res = await agent().com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'com.example.thing',
      record: { $type: 'com.example.thing', anything: ['goes'] },
    })
    expect(res.data.validationStatus).toBe('unknown')
  })

  it('omits validationStatus with validate: false', async () => {
    const res = await xrpc('com.atproto.repo.createRecord', {
      body: {
        repo: OWNER.did,
        collection: 'com.example.thing',
        validate: false,
        record: { $type: 'com.example.thing' },
      },
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, unknown>
    expect(body.uri).toBeTypeOf('string')
    expect('validationStatus' in body).toBe(false)
  })

  it('skips the lexicon with validate: false, so an invalid post is stored', async () => {
    const res = await agent().com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'app.bsky.feed.post',
      validate: false,
      record: { $type: 'app.bsky.feed.post', text: 5 },
    })
    expect(res.data.validationStatus).toBeUndefined()
  })

  it('refuses validate: true for an unknown lexicon with 400 and writes nothing', async () => {
    await expectNoCommit(async () => {
      const res = await xrpc('com.atproto.repo.createRecord', {
        body: {
          repo: OWNER.did,
          collection: 'com.example.thing',
          validate: true,
          record: { $type: 'com.example.thing' },
        },
      })
      await expectXrpcError(res, 400, 'InvalidRequest')
    })
  })

  it('refuses to create over an existing record', async () => {
    const a = agent()
    await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'com.example.thing',
      rkey: 'create-twice',
      record: { n: 1 },
    })
    await expectNoCommit(async () => {
      const res = await xrpc('com.atproto.repo.createRecord', {
        body: { repo: OWNER.did, collection: 'com.example.thing', rkey: 'create-twice', record: { n: 2 } },
      })
      await expectXrpcError(res, 400, 'InvalidRequest')
    })
  })
})
