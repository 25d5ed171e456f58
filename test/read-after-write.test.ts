import { lexicons } from '@atproto/api'
import { describe, expect, it } from 'vitest'
import { agent, OWNER } from './helpers/client'
import { callAs } from './helpers/session'
import { standInAnswer } from './helpers/stand-in-services'

type Ref = { uri: string; cid: string; rev: string }
type Item = { post: { uri: string; author: { did: string; displayName?: string } } }

const POST = 'app.bsky.feed.post'
const owner = agent()
let scenes = 0

async function create(record: Record<string, unknown>, collection = POST): Promise<Ref> {
  const res = await owner.com.atproto.repo.createRecord({ repo: OWNER.did, collection, record })
  return { uri: res.data.uri, cid: res.data.cid, rev: res.data.commit?.rev ?? '' }
}

const post = (text: string, extra: Record<string, unknown> = {}) => ({
  $type: POST,
  text,
  createdAt: new Date().toISOString(),
  ...extra,
})

/** A post view as the AppView would have it, indexed a minute ago. */
const appViewPost = (ref: Ref, text: string, author = { did: OWNER.did, handle: OWNER.handle }) => ({
  $type: 'app.bsky.feed.defs#postView',
  uri: ref.uri,
  cid: ref.cid,
  author: { ...author, displayName: 'Old name' },
  record: post(text),
  replyCount: 0,
  repostCount: 0,
  likeCount: 0,
  quoteCount: 0,
  indexedAt: new Date(Date.now() - 60_000).toISOString(),
})

const stranger = { did: 'did:plc:strangerxxxxxxxxxxxxxxxx', handle: 'bob.test' }
/** A post of someone else's, with the same record key as `ref`. */
const strangers = (ref: Ref): Ref => ({ ...ref, uri: ref.uri.replace(OWNER.did, stranger.did) })

/**
 * The AppView has indexed `old` and `doomed` (its rev is `appViewRev`); since then the
 * owner posted `fresh`, replied to `old`, edited the profile and deleted `doomed`.
 */
async function scene() {
  const n = ++scenes
  const old = await create(post(`old ${n}`))
  const doomed = await create(post(`doomed ${n}`))
  const appViewRev = doomed.rev
  const fresh = await create(post(`fresh ${n}`))
  const reply = await create(
    post(`reply ${n}`, {
      reply: { root: { uri: old.uri, cid: old.cid }, parent: { uri: old.uri, cid: old.cid } },
    }),
  )
  const displayName = `New name ${n}`
  await owner.com.atproto.repo.putRecord({
    repo: OWNER.did,
    collection: 'app.bsky.actor.profile',
    rkey: 'self',
    record: { $type: 'app.bsky.actor.profile', displayName, description: `about ${n}` },
  })
  await owner.com.atproto.repo.deleteRecord({
    repo: OWNER.did,
    collection: POST,
    rkey: doomed.uri.split('/').pop() ?? '',
  })
  const head = (await owner.com.atproto.sync.getLatestCommit({ did: OWNER.did })).data.rev
  return { n, old, doomed, fresh, reply, appViewRev, displayName, head }
}

async function proxied(nsid: string, query: Record<string, string>) {
  const res = await callAs(OWNER.authToken, nsid, { query })
  const text = await res.text()
  expect(res.status, text).toBe(200)
  const body = JSON.parse(text) as Record<string, unknown>
  lexicons.assertValidXrpcOutput(nsid, body)
  return { res, text, body }
}

const uris = (feed: unknown) => (feed as Item[]).map((i) => i.post.uri)

describe('read-after-write', () => {
  it('merges new posts and replies into a stale timeline, drops the deleted post, applies the profile edit', async () => {
    const s = await scene()
    const other = {
      uri: 'at://did:plc:strangerxxxxxxxxxxxxxxxx/app.bsky.feed.post/3aaa',
      cid: s.old.cid,
      rev: '',
    }
    const timeline = {
      feed: [
        { post: appViewPost(s.doomed, 'doomed') },
        { post: appViewPost(other, 'hi', stranger) },
        { post: appViewPost(s.old, 'old') },
      ],
      cursor: 'next',
    }
    const { res, body } = await proxied('app.bsky.feed.getTimeline', standInAnswer(s.appViewRev, timeline))
    expect(uris(body.feed)).toEqual([s.reply.uri, s.fresh.uri, other.uri, s.old.uri])
    expect(body.cursor).toBe('next')
    const feed = body.feed as Item[]
    expect(feed[0]?.post.author).toMatchObject({
      did: OWNER.did,
      handle: OWNER.handle,
      displayName: s.displayName,
    })
    expect(feed[3]?.post.author.displayName).toBe(s.displayName)
    expect(feed[2]?.post.author.displayName).toBe('Old name')
    expect(res.headers.get('atproto-repo-rev')).toBe(s.head)
    expect(Number(res.headers.get('atproto-upstream-lag'))).toBeGreaterThanOrEqual(0)
  })

  it("puts new posts on top of the owner's author feed, as its filter admits", async () => {
    const s = await scene()
    const feed = { feed: [{ post: appViewPost(s.doomed, 'doomed') }, { post: appViewPost(s.old, 'old') }] }
    const all = await proxied('app.bsky.feed.getAuthorFeed', {
      actor: OWNER.did,
      ...standInAnswer(s.appViewRev, feed),
    })
    expect(uris(all.body.feed)).toEqual([s.reply.uri, s.fresh.uri, s.old.uri])
    const noReplies = await proxied('app.bsky.feed.getAuthorFeed', {
      actor: OWNER.handle,
      filter: 'posts_no_replies',
      ...standInAnswer(s.appViewRev, feed),
    })
    expect(uris(noReplies.body.feed)).toEqual([s.fresh.uri, s.old.uri])
    const someoneElse = await proxied('app.bsky.feed.getAuthorFeed', {
      actor: stranger.did,
      ...standInAnswer(s.appViewRev, { feed: [] }),
    })
    expect(someoneElse.body.feed).toEqual([])
  })

  it('adds the new reply to the thread and drops the deleted reply', async () => {
    const s = await scene()
    const thread = {
      thread: {
        $type: 'app.bsky.feed.defs#threadViewPost',
        post: appViewPost(s.old, 'old'),
        replies: [{ $type: 'app.bsky.feed.defs#threadViewPost', post: appViewPost(s.doomed, 'doomed') }],
      },
    }
    const { body } = await proxied('app.bsky.feed.getPostThread', {
      uri: s.old.uri,
      ...standInAnswer(s.appViewRev, thread),
    })
    const merged = body.thread as { post: Item['post']; replies: Item[] }
    expect(merged.post.author.displayName).toBe(s.displayName)
    expect(merged.replies.map((r) => r.post.uri)).toEqual([s.reply.uri])
  })

  it('answers a thread the AppView has not seen yet from the local post', async () => {
    const s = await scene()
    const notFound = { error: 'NotFound', message: `Post not found: ${s.fresh.uri}` }
    const { res, body } = await proxied('app.bsky.feed.getPostThread', {
      uri: s.fresh.uri,
      ...standInAnswer(s.appViewRev, notFound, 400),
    })
    expect((body.thread as Item).post.uri).toBe(s.fresh.uri)
    expect(res.headers.get('atproto-repo-rev')).toBe(s.head)
  })

  it("applies the profile edit to the owner's profile views only", async () => {
    const s = await scene()
    const view = (did: string, handle: string) => ({
      did,
      handle,
      displayName: 'Old name',
      description: 'old',
      followersCount: 3,
    })
    const one = await proxied('app.bsky.actor.getProfile', {
      actor: OWNER.did,
      ...standInAnswer(s.appViewRev, view(OWNER.did, OWNER.handle)),
    })
    expect(one.body).toMatchObject({
      displayName: s.displayName,
      description: `about ${s.n}`,
      followersCount: 3,
    })
    const many = await proxied('app.bsky.actor.getProfiles', {
      actors: OWNER.did,
      ...standInAnswer(s.appViewRev, {
        profiles: [view(stranger.did, stranger.handle), view(OWNER.did, OWNER.handle)],
      }),
    })
    expect(many.body.profiles).toMatchObject([{ displayName: 'Old name' }, { displayName: s.displayName }])
  })

  it("drops an undone like from the owner's likes", async () => {
    const s = await scene()
    const like = await create(
      {
        $type: 'app.bsky.feed.like',
        subject: { uri: s.old.uri, cid: s.old.cid },
        createdAt: new Date().toISOString(),
      },
      'app.bsky.feed.like',
    )
    const liked = { ...appViewPost(s.old, 'old'), viewer: { like: like.uri } }
    const before = like.rev
    await owner.com.atproto.repo.deleteRecord({
      repo: OWNER.did,
      collection: 'app.bsky.feed.like',
      rkey: like.uri.split('/').pop() ?? '',
    })
    const { body } = await proxied('app.bsky.feed.getActorLikes', {
      actor: OWNER.did,
      ...standInAnswer(before, {
        feed: [{ post: liked }, { post: appViewPost(strangers(s.old), 'hi', stranger) }],
      }),
    })
    expect(uris(body.feed)).toEqual([strangers(s.old).uri])
  })

  it('passes an answer from a current AppView through byte for byte', async () => {
    const s = await scene()
    const text = `{ "feed" : [ {"post": ${JSON.stringify(appViewPost(s.old, 'old'))}} ] }`
    const res = await callAs(OWNER.authToken, 'app.bsky.feed.getTimeline', {
      query: standInAnswer(s.head, text),
    })
    expect(await res.text()).toBe(text)
    expect(res.headers.get('atproto-repo-rev')).toBe(s.head)
    expect(res.headers.get('atproto-upstream-lag')).toBeNull()
  })

  it('passes an answer that breaks its lexicon through unmerged', async () => {
    const s = await scene()
    const text = JSON.stringify({ feed: [{ post: { uri: s.old.uri } }] })
    const res = await callAs(OWNER.authToken, 'app.bsky.feed.getTimeline', {
      query: standInAnswer(s.appViewRev, text),
    })
    expect(await res.text()).toBe(text)
    expect(res.headers.get('atproto-repo-rev')).toBe(s.appViewRev)
  })
})
