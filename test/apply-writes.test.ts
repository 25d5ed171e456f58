import { describe, expect, it } from 'vitest'
import { agent, OWNER, xrpc } from './helpers/client'
import { expectNoCommit, expectXrpcError, repoHead } from './helpers/xrpc-expect'

const THING = 'com.example.batch'
const T = 'com.atproto.repo.applyWrites'

const create = (rkey: string | undefined, value: Record<string, unknown>, collection = THING) => ({
  $type: `${T}#create` as const,
  collection,
  ...(rkey === undefined ? {} : { rkey }),
  value,
})
const update = (rkey: string, value: Record<string, unknown>) => ({
  $type: `${T}#update` as const,
  collection: THING,
  rkey,
  value,
})
const del = (rkey: string) => ({ $type: `${T}#delete` as const, collection: THING, rkey })

const applyWrites = (writes: object[], extra: object = {}) =>
  xrpc(T, { body: { repo: OWNER.did, writes, ...extra } })

const exists = async (rkey: string): Promise<boolean> => {
  const res = await xrpc('com.atproto.repo.getRecord', {
    query: { repo: OWNER.did, collection: THING, rkey },
    auth: false,
  })
  return res.status === 200
}

describe('com.atproto.repo.applyWrites', () => {
  it('applies create, update and delete as one commit with one new rev', async () => {
    const a = agent()
    await a.com.atproto.repo.applyWrites({
      repo: OWNER.did,
      writes: [create('to-update', { v: 1 }), create('to-delete', { v: 1 })],
    })
    const before = await repoHead()
    const res = await a.com.atproto.repo.applyWrites({
      repo: OWNER.did,
      writes: [create('new-one', { v: 1 }), update('to-update', { v: 2 }), del('to-delete')],
    })
    const after = await repoHead()
    expect(res.data.commit).toEqual(after)
    expect(after.rev > before.rev).toBe(true)

    expect(res.data.results?.map((r) => r.$type)).toEqual([
      `${T}#createResult`,
      `${T}#updateResult`,
      `${T}#deleteResult`,
    ])
    expect(res.data.results?.[0]).toMatchObject({
      uri: `at://${OWNER.did}/${THING}/new-one`,
      cid: expect.any(String),
      validationStatus: 'unknown',
    })
    expect(res.data.results?.[1]).toMatchObject({ uri: `at://${OWNER.did}/${THING}/to-update` })
    expect(Object.keys(res.data.results?.[2] ?? {})).toEqual(['$type'])

    expect(await exists('new-one')).toBe(true)
    expect(await exists('to-delete')).toBe(false)
    const got = await a.com.atproto.repo.getRecord({ repo: OWNER.did, collection: THING, rkey: 'to-update' })
    expect(got.data.value).toEqual({ $type: THING, v: 2 })
  })

  it('generates TID rkeys for creates without one and validates known lexicons', async () => {
    const res = await agent().com.atproto.repo.applyWrites({
      repo: OWNER.did,
      writes: [
        create(
          undefined,
          { $type: 'app.bsky.feed.post', text: 'batch', createdAt: new Date().toISOString() },
          'app.bsky.feed.post',
        ),
      ],
    })
    const result = res.data.results?.[0] as { uri: string; validationStatus?: string }
    expect(result.uri).toMatch(new RegExp(`^at://${OWNER.did}/app\\.bsky\\.feed\\.post/[2-7a-z]{13}$`))
    expect(result.validationStatus).toBe('valid')
  })

  it('accepts exactly 200 writes', async () => {
    const writes = Array.from({ length: 200 }, (_, i) => create(`max-${i}`, { i }))
    const res = await applyWrites(writes)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { results: unknown[] }).results).toHaveLength(200)
  })

  it('refuses more than 200 writes with 400 and writes nothing', async () => {
    const writes = Array.from({ length: 201 }, (_, i) => create(`too-many-${i}`, { i }))
    await expectNoCommit(async () => expectXrpcError(await applyWrites(writes), 400, 'InvalidRequest'))
    expect(await exists('too-many-0')).toBe(false)
  })

  it('refuses an update of a missing record with 400 and writes nothing', async () => {
    await expectNoCommit(async () => {
      const res = await applyWrites([create('beside-bad-update', { v: 1 }), update('missing', { v: 1 })])
      await expectXrpcError(res, 400, 'InvalidRequest')
    })
    expect(await exists('beside-bad-update')).toBe(false)
    expect(await exists('missing')).toBe(false)
  })

  it('refuses a delete of a missing record with 400 and writes nothing', async () => {
    await expectNoCommit(async () => {
      const res = await applyWrites([create('beside-bad-delete', { v: 1 }), del('missing-too')])
      await expectXrpcError(res, 400, 'InvalidRequest')
    })
    expect(await exists('beside-bad-delete')).toBe(false)
  })

  it('refuses two writes to one path with 400 and writes nothing', async () => {
    await expectNoCommit(async () => {
      const res = await applyWrites([create('twice', { v: 1 }), create('twice', { v: 2 })])
      await expectXrpcError(res, 400, 'InvalidRequest')
    })
    expect(await exists('twice')).toBe(false)
  })

  it('refuses a whole batch when one record is invalid', async () => {
    await expectNoCommit(async () => {
      const res = await applyWrites([
        create('beside-invalid', { v: 1 }),
        create(undefined, { $type: 'app.bsky.feed.post', text: 5 }, 'app.bsky.feed.post'),
      ])
      await expectXrpcError(res, 400, 'InvalidRequest')
    })
    expect(await exists('beside-invalid')).toBe(false)
  })

  it.each([
    ['an unknown write $type', { $type: `${T}#upsert`, collection: THING, rkey: 'x', value: {} }],
    ['a write that is not an object', 'create'],
    ['an update without an rkey', { $type: `${T}#update`, collection: THING, value: {} }],
  ])('refuses %s with 400', async (_name, write) => {
    await expectNoCommit(async () =>
      expectXrpcError(await applyWrites([write as object]), 400, 'InvalidRequest'),
    )
  })

  it('refuses a missing writes array with 400', async () => {
    const res = await xrpc(T, { body: { repo: OWNER.did } })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })
})
