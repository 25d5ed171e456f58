import { lexicons } from '@atproto/api'
import type { RepoActor } from '../../actors/repo'
import type { Config } from '../../shared/config'
import { createLogger } from '../../shared/logger'
import type { XRPCError } from '../../shared/xrpc-error'
import { bufferUpTo } from './buffered-body'
import { type MergeContext, mergeActorLikes, mergeAuthorFeed, mergeTimeline } from './feeds'
import { LocalViewer, revTime } from './local-views'
import { mergeProfile, mergeProfiles } from './profiles'
import { localThread, mergePostThread } from './thread'

const log = createLogger('http')

/** At most this many of the owner's changes are merged into one answer. */
export const MAX_LOCAL_CHANGES = 100
/** Larger upstream answers pass through unmerged. */
const MAX_MERGE_BYTES = 4 * 1024 * 1024

// biome-ignore lint/suspicious/noExplicitAny: each merge is typed by its own lexicon output
type Merge = (original: any, ctx: MergeContext) => unknown

const MERGES: Record<string, Merge> = {
  'app.bsky.feed.getTimeline': mergeTimeline,
  'app.bsky.feed.getAuthorFeed': mergeAuthorFeed,
  'app.bsky.feed.getPostThread': mergePostThread,
  'app.bsky.feed.getActorLikes': mergeActorLikes,
  'app.bsky.actor.getProfile': mergeProfile,
  'app.bsky.actor.getProfiles': mergeProfiles,
}

export type ReadAfterWriteInput = {
  req: Request
  nsid: string
  config: Config
  repo: DurableObjectStub<RepoActor>
}

const isJson = (type: string | null) => type === null || /^application\/json\b/i.test(type)

function validOutput(nsid: string, value: unknown): boolean {
  try {
    lexicons.assertValidXrpcOutput(nsid, value)
    return true
  } catch {
    return false
  }
}

type Merging = { ctx: MergeContext; localRev: string; oldestRev: string }

async function mergingFor(
  input: ReadAfterWriteInput,
  rev: string | null | undefined,
): Promise<Merging | null> {
  if (!rev || !(input.nsid in MERGES) || input.req.method !== 'GET') return null
  const local = await input.repo.recordsSince(rev, MAX_LOCAL_CHANGES)
  const revs = [...local.records, ...local.deletions].map((c) => c.rev).sort()
  const oldestRev = revs[0]
  if (oldestRev === undefined) return null
  const { did, handle, publicUrl } = input.config
  const ctx: MergeContext = {
    viewer: new LocalViewer({ did, handle, publicUrl }, local),
    params: new URL(input.req.url).searchParams,
    handle,
  }
  return { ctx, localRev: local.rev, oldestRev }
}

/**
 * The merged answer: JSON, the allowed upstream headers, the local rev, and (as the
 * reference PDS) `atproto-upstream-lag`, how long ago the oldest merged change was written.
 */
function mergedResponse(body: unknown, upstream: HeadersInit, merging: Merging): Response {
  const headers = new Headers(upstream)
  headers.delete('content-length')
  headers.delete('content-encoding')
  headers.set('content-type', 'application/json; charset=utf-8')
  headers.set('atproto-repo-rev', merging.localRev)
  const lag = Math.max(0, Date.now() - Date.parse(revTime(merging.oldestRev)))
  headers.set('atproto-upstream-lag', String(lag))
  return new Response(JSON.stringify(body), { status: 200, headers })
}

/**
 * Read-after-write, as the reference PDS does it: an answer for one of the owner's views
 * whose `atproto-repo-rev` is older than the repo's head gets the owner's writes since
 * that rev merged in (see feeds.ts, thread.ts, profiles.ts) and the local rev. An answer
 * from a current AppView, or one that is not valid against its lexicon, passes unchanged;
 * a merge that fails or breaks the lexicon gives the upstream answer as it was.
 */
export async function withReadAfterWrite(input: ReadAfterWriteInput, res: Response): Promise<Response> {
  if (res.status !== 200 || !res.body || !isJson(res.headers.get('content-type'))) return res
  const merging = await mergingFor(input, res.headers.get('atproto-repo-rev'))
  if (!merging) return res
  const read = await bufferUpTo(res.body, MAX_MERGE_BYTES)
  if ('stream' in read) return new Response(read.stream, res)
  const original = () => new Response(read.bytes, res)
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(read.bytes))
    if (!validOutput(input.nsid, parsed)) return original()
    const merge = MERGES[input.nsid] as Merge
    const merged = merge(parsed, merging.ctx)
    if (!validOutput(input.nsid, merged)) {
      log.warn('read-after-write merge broke the lexicon', { nsid: input.nsid })
      return original()
    }
    return mergedResponse(merged, res.headers, merging)
  } catch (e) {
    log.warn('read-after-write merge failed', {
      nsid: input.nsid,
      error: e instanceof Error ? e.message : String(e),
    })
    return original()
  }
}

/**
 * getPostThread answered `NotFound` for a post the owner wrote since the AppView's rev:
 * the thread is built locally (thread.ts `localThread`). Null: the error stands.
 */
export async function threadNotFound(input: ReadAfterWriteInput, e: XRPCError): Promise<Response | null> {
  if (input.nsid !== 'app.bsky.feed.getPostThread' || e.status !== 400 || e.error !== 'NotFound') return null
  const uri = new URL(input.req.url).searchParams.get('uri')
  if (!uri?.startsWith(`at://${input.config.did}/`)) return null
  const merging = await mergingFor(input, e.headers['atproto-repo-rev'])
  const thread = merging && localThread(uri, merging.ctx)
  if (!merging || !thread || !validOutput(input.nsid, thread)) return null
  const headers = Object.fromEntries(Object.entries(e.headers).filter(([k]) => k !== 'retry-after'))
  return mergedResponse(thread, headers, merging)
}
