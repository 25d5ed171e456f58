import type { BlobStore } from '../blobs/blob-store'
import type { RepoHead } from '../commit/commit-builder'

/** The repo's side of `com.atproto.server.checkAccountStatus` (validDid is the Worker's). */
export type MigrationStatus = {
  activated: boolean
  repoCommit: string
  repoRev: string
  /** Live blocks (retired ones, kept a while for exports, are not counted). */
  repoBlocks: number
  indexedRecords: number
  /** Distinct blobs the records reference. */
  expectedBlobs: number
  /** Blobs this PDS holds, referenced or not, as the reference PDS counts them. */
  importedBlobs: number
}

/** Counts what an account migration watches: blocks, records and blobs. */
export function migrationStatus(
  sql: SqlStorage,
  head: RepoHead,
  activated: boolean,
  blobs: BlobStore,
): MigrationStatus {
  const one = (query: string) => sql.exec<{ n: number }>(query).one().n
  return {
    activated,
    repoCommit: head.cid.toString(),
    repoRev: head.rev,
    repoBlocks: one('SELECT COUNT(*) AS n FROM blocks WHERE removed_rev IS NULL'),
    indexedRecords: one('SELECT COUNT(*) AS n FROM records'),
    ...blobs.counts(),
  }
}
