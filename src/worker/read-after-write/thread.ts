import type { AppBskyFeedDefs, AppBskyFeedGetPostThread } from '@atproto/api'
import type { MergeContext } from './feeds'
import type { LocalRecord } from './local-views'

type ThreadView = AppBskyFeedDefs.ThreadViewPost & { $type: typeof THREAD_VIEW }
type ThreadNode = AppBskyFeedGetPostThread.OutputSchema['thread']

const THREAD_VIEW = 'app.bsky.feed.defs#threadViewPost' as const
const isThreadView = (node: unknown): node is ThreadView =>
  (node as { $type?: unknown } | undefined)?.$type === THREAD_VIEW

const notFound = (uri: string) => ({ $type: 'app.bsky.feed.defs#notFoundPost', uri, notFound: true as const })

type PostRef = { uri?: string }
const replyOf = (record: unknown) =>
  (record as { reply?: { root?: PostRef; parent?: PostRef } } | undefined)?.reply

/** Local replies that belong to this thread: their root is the anchor, or the anchor's root. */
function postsInThread(anchor: ThreadView, posts: LocalRecord[]): LocalRecord[] {
  const anchorRoot = replyOf(anchor.post.record)?.root?.uri
  return posts.filter((p) => {
    const root = replyOf(p.value)?.root?.uri
    return root !== undefined && (root === anchor.post.uri || root === anchorRoot)
  })
}

/** Puts `view` first among the replies of the post it answers, wherever that is below `node`. */
function insertReply(node: ThreadView, parentUri: string, view: ThreadView): ThreadView {
  if (node.post.uri === parentUri) return { ...node, replies: [view, ...(node.replies ?? [])] }
  if (!node.replies) return node
  return {
    ...node,
    replies: node.replies.map((r) => (isThreadView(r) ? insertReply(r, parentUri, view) : r)),
  }
}

/** Deleted posts: replies are dropped, a deleted parent or anchor becomes a `notFoundPost`. */
function dropDeleted(node: ThreadView, gone: ReadonlySet<string>): ThreadView {
  const parent = node.parent
  const replies = node.replies
    ?.filter((r) => !(isThreadView(r) && gone.has(r.post.uri)))
    .map((r) => (isThreadView(r) ? dropDeleted(r, gone) : r))
  return {
    ...node,
    ...(replies && { replies }),
    ...(isThreadView(parent) && {
      parent: gone.has(parent.post.uri) ? notFound(parent.post.uri) : dropDeleted(parent, gone),
    }),
  }
}

function applyProfile(node: ThreadView, ctx: MergeContext): ThreadView {
  const { viewer } = ctx
  const post =
    node.post.author.did === viewer.did
      ? { ...node.post, author: viewer.withProfileBasic(node.post.author) }
      : node.post
  const parent = isThreadView(node.parent) ? applyProfile(node.parent, ctx) : node.parent
  const replies = node.replies?.map((r) => (isThreadView(r) ? applyProfile(r, ctx) : r))
  return { ...node, post, ...(parent && { parent }), ...(replies && { replies }) }
}

function withLocalReplies(anchor: ThreadView, posts: LocalRecord[], ctx: MergeContext): ThreadView {
  let thread = anchor
  const known = new Set<string>()
  const collect = (n: ThreadView) => {
    known.add(n.post.uri)
    for (const r of n.replies ?? []) if (isThreadView(r)) collect(r)
  }
  collect(anchor)
  for (const p of postsInThread(anchor, posts)) {
    const parentUri = replyOf(p.value)?.parent?.uri
    if (parentUri === undefined || known.has(p.uri)) continue
    const view: ThreadView = { $type: THREAD_VIEW, post: ctx.viewer.postView(p, null) }
    thread = insertReply(thread, parentUri, view)
  }
  return thread
}

/** New replies go first under the post they answer; deletions and a profile edit apply throughout. */
export function mergePostThread(
  original: AppBskyFeedGetPostThread.OutputSchema,
  ctx: MergeContext,
): AppBskyFeedGetPostThread.OutputSchema {
  if (!isThreadView(original.thread)) return original
  const gone = ctx.viewer.deleted
  if (gone.has(original.thread.post.uri)) {
    return { ...original, thread: notFound(original.thread.post.uri) as ThreadNode }
  }
  let thread = dropDeleted(original.thread, gone)
  if (ctx.viewer.profileChanged) thread = applyProfile(thread, ctx)
  thread = withLocalReplies(thread, ctx.viewer.posts, ctx)
  return { ...original, thread }
}

/**
 * The AppView does not know the anchor yet (`NotFound`): when it is a post the owner
 * wrote since the AppView's rev, the thread is that post with its local replies. Its
 * parents are left out (the reference PDS asks the AppView for them).
 */
export function localThread(uri: string, ctx: MergeContext): AppBskyFeedGetPostThread.OutputSchema | null {
  const post = ctx.viewer.posts.find((p) => p.uri === uri)
  if (!post) return null
  const anchor: ThreadView = { $type: THREAD_VIEW, post: ctx.viewer.postView(post, null) }
  const rest = ctx.viewer.posts.filter((p) => p.uri !== uri)
  return { thread: withLocalReplies(anchor, rest, ctx) }
}
