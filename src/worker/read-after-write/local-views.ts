import type { AppBskyActorDefs, AppBskyFeedDefs } from '@atproto/api'
import { TID } from '@atproto/common-web'
import type { LocalChanges, LocalRecord as LocalRecordText } from '../../actors/repo'

type Json = Record<string, unknown>

/** A local record with its value parsed. */
export type LocalRecord = Omit<LocalRecordText, 'json'> & { value: Json }
type ProfileLike = AppBskyActorDefs.ProfileViewBasic | AppBskyActorDefs.ProfileViewDetailed

export const POST = 'app.bsky.feed.post'
const PROFILE_URI_TAIL = '/app.bsky.actor.profile/self'

/** The CID of a blob ref in IPLD JSON (`{$type: 'blob', ref: {$link}}`), if it is one. */
function blobCid(value: unknown): string | null {
  const ref = (value as { ref?: { $link?: unknown } } | undefined)?.ref
  return typeof ref?.$link === 'string' ? ref.$link : null
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined)

/** When a rev's commit was made: a rev is a TID, microseconds since the epoch. */
export function revTime(rev: string): string {
  return new Date(Math.floor(TID.fromStr(rev).timestamp() / 1000)).toISOString()
}

/**
 * Views of the owner's own records, built on the PDS the way the reference PDS's
 * `LocalViewer` builds them: counts presumed zero, the author from the local profile
 * record and handle, images served by this PDS's `getBlob`.
 */
export class LocalViewer {
  /** Whether the changes touched the profile record (an edit or its deletion). */
  readonly profileChanged: boolean
  readonly deleted: ReadonlySet<string>
  readonly posts: LocalRecord[]
  /** The current profile record; empty when there is none. */
  private readonly profile: Json

  constructor(
    private readonly owner: { did: string; handle: string; publicUrl: string },
    local: LocalChanges,
  ) {
    const touched = [...local.records, ...local.deletions].map((c) => c.uri)
    this.profileChanged = touched.some((uri) => uri.endsWith(PROFILE_URI_TAIL))
    this.deleted = new Set(local.deletions.map((d) => d.uri))
    this.posts = local.records
      .filter((r) => r.collection === POST)
      .map(({ json, ...r }) => ({ ...r, value: JSON.parse(json) as Json }))
    this.profile = local.profileJson === null ? {} : (JSON.parse(local.profileJson) as Json)
  }

  get did(): string {
    return this.owner.did
  }

  imageUrl(cid: string): string {
    const did = encodeURIComponent(this.owner.did)
    return `${this.owner.publicUrl}/xrpc/com.atproto.sync.getBlob?did=${did}&cid=${cid}`
  }

  /** The owner as a post author: the AppView's view when it gave one, with local edits applied. */
  author(seed: AppBskyActorDefs.ProfileViewBasic | null): AppBskyActorDefs.ProfileViewBasic {
    return this.withProfileBasic(seed ?? { did: this.owner.did, handle: this.owner.handle })
  }

  /** `displayName` and `avatar` from the current profile record (cleared when it has none). */
  withProfileBasic<T extends ProfileLike>(view: T): T {
    const avatar = blobCid(this.profile.avatar)
    return {
      ...view,
      displayName: str(this.profile.displayName),
      avatar: avatar ? this.imageUrl(avatar) : undefined,
    }
  }

  /** ... and `description` and `banner`, for detailed profile views. */
  withProfileDetailed(view: AppBskyActorDefs.ProfileViewDetailed): AppBskyActorDefs.ProfileViewDetailed {
    const banner = blobCid(this.profile.banner)
    return {
      ...this.withProfileBasic(view),
      description: str(this.profile.description),
      banner: banner ? this.imageUrl(banner) : undefined,
    }
  }

  /** A post view of a local post record. */
  postView(rec: LocalRecord, seed: AppBskyActorDefs.ProfileViewBasic | null): AppBskyFeedDefs.PostView {
    const embed = this.embedView(rec.value.embed)
    return {
      $type: 'app.bsky.feed.defs#postView',
      uri: rec.uri,
      cid: rec.cid,
      author: this.author(seed),
      record: rec.value,
      ...(embed && { embed }),
      replyCount: 0,
      repostCount: 0,
      likeCount: 0,
      quoteCount: 0,
      indexedAt: revTime(rec.rev),
    }
  }

  /**
   * Image and link-card embeds are built here. Quote embeds need the quoted record's
   * view from the AppView; they are left out until the AppView has the post.
   */
  private embedView(embed: unknown): AppBskyFeedDefs.PostView['embed'] {
    const e = embed as Json | undefined
    if (e?.$type === 'app.bsky.embed.images' && Array.isArray(e.images)) {
      const images = (e.images as Json[]).flatMap((img) => {
        const cid = blobCid(img.image)
        if (!cid) return []
        const url = this.imageUrl(cid)
        const aspectRatio = img.aspectRatio as { width: number; height: number } | undefined
        return [{ thumb: url, fullsize: url, alt: str(img.alt) ?? '', ...(aspectRatio && { aspectRatio }) }]
      })
      return { $type: 'app.bsky.embed.images#view', images }
    }
    if (e?.$type === 'app.bsky.embed.external') {
      const ext = (e.external ?? {}) as Json
      const thumb = blobCid(ext.thumb)
      return {
        $type: 'app.bsky.embed.external#view',
        external: {
          uri: str(ext.uri) ?? '',
          title: str(ext.title) ?? '',
          description: str(ext.description) ?? '',
          ...(thumb && { thumb: this.imageUrl(thumb) }),
        },
      }
    }
    return undefined
  }
}
