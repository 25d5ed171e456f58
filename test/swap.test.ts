import { describe, expect, it } from 'vitest'
import { OWNER, xrpc } from './helpers/client'
import { expectNoCommit, expectXrpcError, repoHead } from './helpers/xrpc-expect'

const THING = 'com.example.swap'
/** A well-formed CID that is never a commit or record here. */
const STALE_CID = 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm'

const call = (nsid: string, body: object) =>
  xrpc(`com.atproto.repo.${nsid}`, { body: { repo: OWNER.did, ...body } })

const put = async (rkey: string, n: number): Promise<string> => {
  const res = await call('putRecord', { collection: THING, rkey, record: { n } })
  expect(res.status).toBe(200)
  return ((await res.json()) as { cid: string }).cid
}

/** Each write method with a body that would succeed against the current repo. */
const writes: { name: string; body: (rkey: string) => object }[] = [
  { name: 'createRecord', body: (rkey) => ({ collection: THING, rkey: `${rkey}-c`, record: { n: 1 } }) },
  { name: 'putRecord', body: (rkey) => ({ collection: THING, rkey, record: { n: 99 } }) },
  { name: 'deleteRecord', body: (rkey) => ({ collection: THING, rkey }) },
  {
    name: 'applyWrites',
    body: (rkey) => ({
      writes: [{ $type: 'com.atproto.repo.applyWrites#delete', collection: THING, rkey }],
    }),
  },
]

describe.each(writes)('swapCommit on $name', ({ name, body }) => {
  it('refuses a stale swapCommit with 400 InvalidSwap and writes nothing', async () => {
    const rkey = `stale-${name}`
    await put(rkey, 1)
    await expectNoCommit(async () => {
      const res = await call(name, { ...body(rkey), swapCommit: STALE_CID })
      await expectXrpcError(res, 400, 'InvalidSwap')
    })
  })

  it('refuses the previous commit as swapCommit', async () => {
    const rkey = `previous-${name}`
    const previous = await repoHead()
    await put(rkey, 1)
    await expectNoCommit(async () => {
      const res = await call(name, { ...body(rkey), swapCommit: previous.cid })
      await expectXrpcError(res, 400, 'InvalidSwap')
    })
  })

  it('applies the write when swapCommit matches the head', async () => {
    const rkey = `match-${name}`
    await put(rkey, 1)
    const head = await repoHead()
    const res = await call(name, { ...body(rkey), swapCommit: head.cid })
    expect(res.status).toBe(200)
    const after = await repoHead()
    expect(after.rev > head.rev).toBe(true)
  })

  it('refuses swapCommit: null (not nullable in the lexicon) with 400 InvalidRequest', async () => {
    const rkey = `null-${name}`
    await put(rkey, 1)
    await expectNoCommit(async () => {
      const res = await call(name, { ...body(rkey), swapCommit: null })
      await expectXrpcError(res, 400, 'InvalidRequest')
    })
  })

  it('refuses a swapCommit that is not a CID with 400 InvalidRequest', async () => {
    const rkey = `garbage-${name}`
    await put(rkey, 1)
    const res = await call(name, { ...body(rkey), swapCommit: 'not-a-cid' })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })
})

describe.each(['putRecord', 'deleteRecord'])('swapRecord on %s', (name) => {
  const body = (rkey: string) =>
    name === 'putRecord' ? { collection: THING, rkey, record: { n: 2 } } : { collection: THING, rkey }

  it('refuses a mismatched swapRecord with 400 InvalidSwap and writes nothing', async () => {
    const rkey = `swap-record-stale-${name}`
    await put(rkey, 1)
    await expectNoCommit(async () => {
      const res = await call(name, { ...body(rkey), swapRecord: STALE_CID })
      await expectXrpcError(res, 400, 'InvalidSwap')
    })
  })

  it('applies the write when swapRecord matches the current record', async () => {
    const rkey = `swap-record-match-${name}`
    const cid = await put(rkey, 1)
    const before = await repoHead()
    const res = await call(name, { ...body(rkey), swapRecord: cid })
    expect(res.status).toBe(200)
    expect((await repoHead()).rev > before.rev).toBe(true)
  })
})

describe('swapRecord: null', () => {
  it('on putRecord refuses with 400 InvalidSwap when the record exists', async () => {
    await put('swap-null-existing', 1)
    await expectNoCommit(async () => {
      const res = await call('putRecord', {
        collection: THING,
        rkey: 'swap-null-existing',
        record: { n: 2 },
        swapRecord: null,
      })
      await expectXrpcError(res, 400, 'InvalidSwap')
    })
  })

  it('on putRecord creates the record when it does not exist', async () => {
    const res = await call('putRecord', {
      collection: THING,
      rkey: 'swap-null-fresh',
      record: { n: 1 },
      swapRecord: null,
    })
    expect(res.status).toBe(200)
  })

  it('on deleteRecord (not nullable in the lexicon) refuses with 400 InvalidRequest', async () => {
    await put('swap-null-delete', 1)
    await expectNoCommit(async () => {
      const res = await call('deleteRecord', {
        collection: THING,
        rkey: 'swap-null-delete',
        swapRecord: null,
      })
      await expectXrpcError(res, 400, 'InvalidRequest')
    })
  })
})
