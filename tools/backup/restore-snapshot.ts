import { readFileSync } from 'node:fs'
import { decode } from '@atproto/lex-cbor'
import { readCarWithRoot } from '@atproto/repo'
import { ownerCall } from './owner-call'
import type { RestoreOptions } from './restore'
import { sessionToken } from './session-token'

/** A restore from one repo CAR (a scheduled snapshot from R2, or any getRepo output). */
export type SnapshotRestoreOptions = Omit<RestoreOptions, 'from'> & { car: string }

export type SnapshotRestored = { did: string; rev: string; missingBlobs: number }

/**
 * Brings a repo CAR into a deployment of its DID: deactivates the account, imports the CAR and,
 * with `activate`, activates. A snapshot holds no blobs: the blobs its records reference and the
 * destination lacks are counted (`listMissingBlobs`) for the operator to upload from a full backup.
 */
export async function restoreSnapshot(o: SnapshotRestoreOptions): Promise<SnapshotRestored> {
  const bytes = readFileSync(o.car)
  const { root, blocks } = await readCarWithRoot(bytes)
  const rootBytes = blocks.get(root)
  const commit = rootBytes ? (decode(rootBytes) as { did?: unknown; rev?: unknown }) : {}
  if (typeof commit.did !== 'string' || typeof commit.rev !== 'string')
    throw new Error(`${o.car}: the CAR's root is not a repo commit`)
  const token =
    'token' in o.credential
      ? o.credential.token
      : await sessionToken(o.to, commit.did, o.credential.password, o.fetch)
  const call = ownerCall(o.to, token, o.fetch)

  await call('com.atproto.server.deactivateAccount', '{}')
  await call('com.atproto.repo.importRepo', bytes, 'application/vnd.ipld.car')
  o.progress(`repo: imported ${commit.did} at rev ${commit.rev}`)
  const missingBlobs = await countMissingBlobs(o.to, token, o.fetch)
  if (o.activate) await call('com.atproto.server.activateAccount')
  return { did: commit.did, rev: commit.rev, missingBlobs }
}

async function countMissingBlobs(pdsUrl: string, token: string, fetchFn: typeof fetch): Promise<number> {
  let count = 0
  let cursor: string | undefined
  do {
    const url = new URL(`${pdsUrl}/xrpc/com.atproto.repo.listMissingBlobs`)
    url.searchParams.set('limit', '1000')
    if (cursor) url.searchParams.set('cursor', cursor)
    const res = await fetchFn(url, { headers: { authorization: `Bearer ${token}` } })
    if (!res.ok) throw new Error(`listMissingBlobs: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`)
    const page = (await res.json()) as { blobs: unknown[]; cursor?: string }
    count += page.blobs.length
    cursor = page.blobs.length > 0 ? page.cursor : undefined
  } while (cursor)
  return count
}
