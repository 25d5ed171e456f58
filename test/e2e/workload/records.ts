import { TID } from '@atproto/common-web'

/** Fixed so that every run writes the same records (same CIDs, same MST shape). */
const BASE_MICROS = 1_767_225_600_000_000 // 2026-01-01T00:00:00Z
const CREATED_AT = '2026-01-01T00:00:00.000Z'

export const POSTS = 'app.bsky.feed.post'
export const PROFILE = 'app.bsky.actor.profile'
/** A collection with no lexicon on the PDS: records are stored unvalidated. */
export const NOTES = 'com.example.e2e.note'

/** The `n`th post rkey of a series: a TID, as the post lexicon requires, deterministic. */
export const postRkey = (series: number, n: number): string =>
  TID.fromTime(BASE_MICROS + series * 1_000_000 + n, 0).toString()

/** A post record; `version` changes the content (and CID) for updates. */
export const post = (label: string, version = 0) => ({
  $type: POSTS,
  text: version === 0 ? `e2e ${label}` : `e2e ${label} (edit ${version})`,
  createdAt: CREATED_AT,
})

/** A profile record. */
export const profile = (displayName: string) => ({ $type: PROFILE, displayName })

/** A free-form record for `NOTES`; `padding` makes it large on purpose. */
export const note = (label: string, padding = 0) => ({ $type: NOTES, label, padding: 'x'.repeat(padding) })
