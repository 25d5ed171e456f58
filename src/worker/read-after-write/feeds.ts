import type {
  AppBskyActorDefs,
  AppBskyFeedDefs,
  AppBskyFeedGetActorLikes,
  AppBskyFeedGetAuthorFeed,
  AppBskyFeedGetTimeline,
} from '@atproto/api'
import type { LocalRecord, LocalViewer } from './local-views'

type FeedItem = AppBskyFeedDefs.FeedViewPost
type FeedOutput = { feed: FeedItem[]; cursor?: string }

/** What a merge gets besides the upstream answer. */
export type MergeContext = { viewer: LocalViewer; params: URLSearchParams; handle: string }

const notFound = (uri: string) => ({ $type: 'app.bsky.feed.defs#notFoundPost', uri, notFound: true as const })

const uriOf = (v: unknown): string | undefined => {
  const uri = (v as { uri?: unknown } | undefined)?.uri
  return typeof uri === 'string' ? uri : undefined
}

/** The owner's author view in an upstream feed, to build new posts' authors from. */
export function ownerSeed(feed: FeedItem[], did: string): AppBskyActorDefs.ProfileViewBasic | null {
  return feed.find((item) => item.post.author.did === did)?.post.author ?? null
}

/**
 * Drops items of deleted posts and of deleted reposts (and, with `likes`, of deleted
 * likes); a deleted post a reply points at becomes a `notFoundPost`.
 */
function dropDeleted(feed: FeedItem[], viewer: LocalViewer, likes = false): FeedItem[] {
  const gone = viewer.deleted
  if (gone.size === 0) return feed
  return feed
    .filter((item) => {
      if (gone.has(item.post.uri)) return false
      const repost = uriOf(item.reason)
      if (repost !== undefined && gone.has(repost)) return false
      return !(likes && item.post.viewer?.like !== undefined && gone.has(item.post.viewer.like))
    })
    .map((item) => {
      if (!item.reply) return item
      const root = uriOf(item.reply.root)
      const parent = uriOf(item.reply.parent)
      if (!(root && gone.has(root)) && !(parent && gone.has(parent))) return item
      return {
        ...item,
        reply: {
          ...item.reply,
          root: root && gone.has(root) ? notFound(root) : item.reply.root,
          parent: parent && gone.has(parent) ? notFound(parent) : item.reply.parent,
        },
      }
    })
}

/** Applies a profile edit to the owner's author and repost views. */
function refreshAuthors(feed: FeedItem[], viewer: LocalViewer): FeedItem[] {
  if (!viewer.profileChanged) return feed
  return feed.map((item) => {
    const post =
      item.post.author.did === viewer.did
        ? { ...item.post, author: viewer.withProfileBasic(item.post.author) }
        : item.post
    const reason = item.reason as AppBskyFeedDefs.ReasonRepost | undefined
    const byOwner = reason?.$type === 'app.bsky.feed.defs#reasonRepost' && reason.by.did === viewer.did
    return {
      ...item,
      post,
      ...(byOwner && { reason: { ...reason, by: viewer.withProfileBasic(reason.by) } }),
    } as FeedItem
  })
}

/**
 * New posts go in by time as the reference PDS puts them: only those newer than the
 * page's last item (older ones belong to a later page), each before the first older item.
 */
function insertPosts(feed: FeedItem[], posts: LocalRecord[], ctx: MergeContext): FeedItem[] {
  if (posts.length === 0) return feed
  const seed = ownerSeed(feed, ctx.viewer.did)
  const lastTime = feed.at(-1)?.post.indexedAt ?? new Date(0).toISOString()
  const known = new Set(feed.map((item) => item.post.uri))
  const out = [...feed]
  const views = posts
    .filter((p) => !known.has(p.uri))
    .map((p) => ctx.viewer.postView(p, seed))
    .filter((view) => view.indexedAt > lastTime)
    .reverse()
  for (const post of views) {
    const at = out.findIndex((item) => item.post.indexedAt < post.indexedAt)
    if (at >= 0) out.splice(at, 0, { post })
    else out.push({ post })
  }
  return out
}

const isReply = (p: LocalRecord) => p.value.reply !== undefined
const mediaType = (p: LocalRecord) => {
  const embed = p.value.embed as { $type?: string; media?: { $type?: string } } | undefined
  return embed?.$type === 'app.bsky.embed.recordWithMedia' ? embed.media?.$type : embed?.$type
}
const hasMedia = (p: LocalRecord) =>
  ['app.bsky.embed.images', 'app.bsky.embed.video'].includes(mediaType(p) ?? '')
const hasVideo = (p: LocalRecord) => mediaType(p) === 'app.bsky.embed.video'

function merged<T extends FeedOutput>(original: T, feed: FeedItem[]): T {
  return { ...original, feed }
}

export function mergeTimeline(
  original: AppBskyFeedGetTimeline.OutputSchema,
  ctx: MergeContext,
): AppBskyFeedGetTimeline.OutputSchema {
  const feed = refreshAuthors(dropDeleted(original.feed, ctx.viewer), ctx.viewer)
  return merged(original, insertPosts(feed, ctx.viewer.posts, ctx))
}

/** The owner's own feed gets the new posts (those its `filter` admits); any feed loses deleted ones. */
export function mergeAuthorFeed(
  original: AppBskyFeedGetAuthorFeed.OutputSchema,
  ctx: MergeContext,
): AppBskyFeedGetAuthorFeed.OutputSchema {
  const feed = refreshAuthors(dropDeleted(original.feed, ctx.viewer), ctx.viewer)
  // A DID is compared as it is (did:web ports are percent-encoded), a handle without case.
  const actor = ctx.params.get('actor') ?? ''
  if (actor !== ctx.viewer.did && actor.toLowerCase() !== ctx.handle) return merged(original, feed)
  const filter = ctx.params.get('filter') ?? 'posts_with_replies'
  let posts = ctx.viewer.posts
  if (filter === 'posts_no_replies' || filter === 'posts_and_author_threads') {
    posts = posts.filter((p) => !isReply(p))
  } else if (filter === 'posts_with_media') {
    posts = posts.filter(hasMedia)
  } else if (filter === 'posts_with_video') {
    posts = posts.filter(hasVideo)
  }
  return merged(original, insertPosts(feed, posts, ctx))
}

export function mergeActorLikes(
  original: AppBskyFeedGetActorLikes.OutputSchema,
  ctx: MergeContext,
): AppBskyFeedGetActorLikes.OutputSchema {
  return merged(original, refreshAuthors(dropDeleted(original.feed, ctx.viewer, true), ctx.viewer))
}
