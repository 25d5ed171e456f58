import { TID } from '@atproto/common-web'

/** The repo's figures for the status page. */
export type RepoFigures = {
  did: string
  active: boolean
  status: string | null
  rev: string
  /** When the last commit was made, from its rev (a TID holds its time), ISO 8601; null if unreadable. */
  revTime: string | null
  head: string
  collections: { collection: string; records: number }[]
  blocks: number
  blockBytes: number
  /** Blobs referenced by records (`permanent`), and uploads not yet referenced. */
  blobs: { count: number; bytes: number; pending: number }
}

type Head = { did: string; cid: { toString(): string }; rev: string }

/** Counts records, blocks and blobs in the repo actor's SQLite, in a few aggregate queries. */
export function repoFigures(
  sql: SqlStorage,
  head: Head,
  account: { active: boolean; status: string | null },
): RepoFigures {
  const collections = sql
    .exec<{ collection: string; records: number }>(
      'SELECT collection, COUNT(*) AS records FROM records GROUP BY collection ORDER BY collection',
    )
    .toArray()
  const blocks = sql
    .exec<{ n: number; bytes: number | null }>(
      'SELECT COUNT(*) AS n, SUM(LENGTH(bytes)) AS bytes FROM blocks',
    )
    .one()
  const blobs = sql
    .exec<{ n: number; bytes: number | null }>(
      "SELECT COUNT(*) AS n, SUM(size) AS bytes FROM blobs WHERE state = 'permanent'",
    )
    .one()
  const pending = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM blobs WHERE state != 'permanent'").one()
  return {
    did: head.did,
    active: account.active,
    status: account.status,
    rev: head.rev,
    revTime: revTime(head.rev),
    head: head.cid.toString(),
    collections: collections.map((c) => ({ collection: c.collection, records: c.records })),
    blocks: blocks.n,
    blockBytes: blocks.bytes ?? 0,
    blobs: { count: blobs.n, bytes: blobs.bytes ?? 0, pending: pending.n },
  }
}

function revTime(rev: string): string | null {
  try {
    return new Date(Math.floor(TID.fromStr(rev).timestamp() / 1000)).toISOString()
  } catch {
    return null
  }
}
