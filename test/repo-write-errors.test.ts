import { describe, expect, it } from 'vitest'
import { OWNER, xrpc } from './helpers/client'
import { expectNoCommit, expectXrpcError, rawPost } from './helpers/xrpc-expect'

const THING = 'com.example.thing'

/** Sends `record` through each record-writing method, so every bad record is refused by all three. */
const writeMethods: { name: string; send: (collection: string, record: unknown) => Promise<Response> }[] = [
  {
    name: 'createRecord',
    send: (collection, record) =>
      xrpc('com.atproto.repo.createRecord', { body: { repo: OWNER.did, collection, record } }),
  },
  {
    name: 'putRecord',
    send: (collection, record) =>
      xrpc('com.atproto.repo.putRecord', {
        body: { repo: OWNER.did, collection, rkey: 'bad-input', record },
      }),
  },
  {
    name: 'applyWrites',
    send: (collection, value) =>
      xrpc('com.atproto.repo.applyWrites', {
        body: {
          repo: OWNER.did,
          writes: [{ $type: 'com.atproto.repo.applyWrites#create', collection, rkey: 'bad-input', value }],
        },
      }),
  },
]

/** `{ d: { d: … } }` nested `levels` deep. */
const nested = (levels: number): object => {
  let v: object = { leaf: true }
  for (let i = 1; i < levels; i++) v = { d: v }
  return v
}

const post = (extra: object) => ({
  $type: 'app.bsky.feed.post',
  text: 'hi',
  createdAt: new Date().toISOString(),
  ...extra,
})

/** [case, collection, record, a word the message must contain, so each case fails for its own reason] */
const badRecords: [string, string, unknown, RegExp][] = [
  ['a $type that does not match the collection', THING, { $type: 'com.example.other' }, /\$type/],
  ['a $type that is not a string', THING, { $type: 5 }, /\$type/],
  ['a post that fails its lexicon (text: 5)', 'app.bsky.feed.post', post({ text: 5 }), /text/],
  ['a post without createdAt', 'app.bsky.feed.post', { $type: 'app.bsky.feed.post', text: 'x' }, /createdAt/],
  ['a float', THING, { $type: THING, n: 1.5 }, /integer|float/i],
  ['a nested float', THING, { $type: THING, deep: { list: [1, 2.25] } }, /integer|float/i],
  ['a float in a known lexicon', 'app.bsky.feed.post', post({ extra: 0.5 }), /integer|float/i],
  ['a record over 1 MB', THING, { $type: THING, big: 'x'.repeat(1_050_000) }, /large/i],
  ['a record that is a string', THING, 'just text', /object/],
  ['a record that is an array', THING, [1, 2], /object/],
  ['a record that is null', THING, null, /object/],
  ['a record nested 129 levels deep', THING, { $type: THING, ...nested(129) }, /nested too deeply/],
  ['a record nested 10,000 levels deep', THING, { $type: THING, ...nested(10_000) }, /nested too deeply/],
  ['a malformed blob ref', THING, { $type: THING, img: { $type: 'blob', ref: { $link: 'nope' } } }, /blob/i],
]

describe.each(writeMethods)('$name refuses bad records', ({ send }) => {
  it('accepts a record nested 128 levels deep', async () => {
    const res = await send(THING, { $type: THING, ...nested(128) })
    expect(res.status).toBe(200)
    // putRecord and applyWrites write rkey bad-input: leave it free for the next method.
    await xrpc('com.atproto.repo.deleteRecord', {
      body: { repo: OWNER.did, collection: THING, rkey: 'bad-input' },
    })
  })

  it.each(badRecords)(
    'refuses %s with 400 InvalidRequest and writes nothing',
    async (_name, collection, record, reason) => {
      await expectNoCommit(async () => {
        const body = await expectXrpcError(await send(collection, record), 400, 'InvalidRequest')
        expect(body.message).toMatch(reason)
      })
    },
  )
})

describe('record writes refuse bad bodies', () => {
  const nsid = 'com.atproto.repo.createRecord'
  const good = JSON.stringify({ repo: OWNER.did, collection: THING, record: { n: 1 } })

  it.each([
    ['a non-JSON body', '{"repo": ', 'application/json'],
    ['an empty body', '', 'application/json'],
    ['an array body', `[${good}]`, 'application/json'],
    ['a string body', '"text"', 'application/json'],
    ['a null body', 'null', 'application/json'],
    ['a text/plain Content-Type', good, 'text/plain'],
    ['a form Content-Type', 'repo=x', 'application/x-www-form-urlencoded'],
    ['no Content-Type', good, undefined],
  ])('refuses %s with 400 InvalidRequest', async (_name, body, type) => {
    await expectNoCommit(async () => expectXrpcError(await rawPost(nsid, body, type), 400, 'InvalidRequest'))
  })

  it('accepts application/json with a charset', async () => {
    const res = await rawPost(nsid, good, 'application/json; charset=utf-8')
    expect(res.status).toBe(200)
  })

  it('refuses a body far over the write limit with 413 PayloadTooLarge', async () => {
    const huge = JSON.stringify({
      repo: OWNER.did,
      collection: THING,
      record: { big: 'x'.repeat(2_100_000) },
    })
    await expectNoCommit(async () =>
      expectXrpcError(await rawPost(nsid, huge, 'application/json'), 413, 'PayloadTooLarge'),
    )
  })

  it.each([
    ['a repo that is not the owner', { repo: 'did:plc:someoneelse234567abcdefg' }],
    ['another handle as repo', { repo: 'bob.example.com' }],
    ['a missing repo', { repo: undefined }],
    ['a missing collection', { collection: undefined }],
    ['an invalid collection NSID', { collection: 'not an nsid' }],
    ['a missing record', { record: undefined }],
    ['an invalid rkey', { rkey: 'a/b' }],
    ['an rkey that is not a string', { rkey: 7 }],
    ['validate that is not a boolean', { validate: 'yes' }],
  ])('refuses %s with 400 InvalidRequest', async (_name, patch) => {
    const body = { repo: OWNER.did, collection: THING, record: { n: 1 }, ...patch }
    await expectNoCommit(async () => expectXrpcError(await xrpc(nsid, { body }), 400, 'InvalidRequest'))
  })

  it.each(['putRecord', 'deleteRecord'])(
    '%s refuses a missing rkey with 400 InvalidRequest',
    async (name) => {
      const res = await xrpc(`com.atproto.repo.${name}`, {
        body: { repo: OWNER.did, collection: THING, record: { n: 1 } },
      })
      await expectXrpcError(res, 400, 'InvalidRequest')
    },
  )
})
