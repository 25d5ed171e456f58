import type { RepoHead } from '../commit/commit-builder'
import type { BlockStore } from '../storage/block-store'
import type { RecordIndex } from '../storage/record-index'
import { readRecordJson } from './repo-reader'

/**
 * A record written after the asked rev, with its value as IPLD JSON text (text because
 * RPC stub types cannot carry an open JSON object type).
 */
export type LocalRecord = {
  uri: string
  collection: string
  rkey: string
  cid: string
  rev: string
  json: string
}

/** A record deleted after the asked rev. */
export type LocalDeletion = { uri: string; collection: string; rkey: string; rev: string }

/**
 * What the owner wrote after a rev (for read-after-write on proxied AppView reads):
 * the head rev, the records written and deleted since (oldest first), and the current
 * profile record, which local views of the owner are built from.
 */
export type LocalChanges = {
  rev: string
  records: LocalRecord[]
  deletions: LocalDeletion[]
  /** The current profile record as IPLD JSON text, or null when there is none. */
  profileJson: string | null
}

const PROFILE = { collection: 'app.bsky.actor.profile', rkey: 'self' }

/**
 * The owner's changes after `rev`, at most `limit` (the newest ones). Nothing when the
 * repo is not served, when `rev` is not older than the head, or when no record of this
 * repo is as old as `rev` (a rev from another host's history, as the reference PDS checks).
 */
export async function recordsSince(
  deps: { blocks: BlockStore; index: RecordIndex; head: RepoHead; active: boolean },
  rev: string,
  limit: number,
): Promise<LocalChanges> {
  const { blocks, index, head } = deps
  const none: LocalChanges = { rev: head.rev, records: [], deletions: [], profileJson: null }
  if (!deps.active || rev >= head.rev || !index.knowsRev(rev)) return none
  const changes = index.changesSince(rev, limit)
  if (changes.length === 0) return none
  const records: LocalRecord[] = []
  const deletions: LocalDeletion[] = []
  for (const c of changes) {
    const uri = `at://${head.did}/${c.collection}/${c.rkey}`
    const path = { uri, collection: c.collection, rkey: c.rkey, rev: c.rev }
    if (c.cid === null) deletions.push(path)
    else records.push({ ...path, cid: c.cid, json: JSON.stringify(await readRecordJson(blocks, c.cid)) })
  }
  const profileRow = index.get(PROFILE.collection, PROFILE.rkey)
  const profileJson = profileRow ? JSON.stringify(await readRecordJson(blocks, profileRow.cid)) : null
  return { rev: head.rev, records, deletions, profileJson }
}
