import type { AtpAgent } from '@atproto/api'

type Status = { repoRev?: string; indexedRecords: number; expectedBlobs: number }

/**
 * Whether the new host already holds the old host's current repo. Its import was re-signed
 * with a new rev, so commits cannot be compared by CID, and a deactivated host may refuse
 * sync reads; instead: the new rev is later than the old head's (the import happened after
 * the old host's last write: revs are timestamps) and both count the same records and blobs.
 */
export function repoAlreadyImported(old: Status, neu: Status): boolean {
  return (
    neu.repoRev !== undefined &&
    old.repoRev !== undefined &&
    neu.repoRev > old.repoRev &&
    neu.indexedRecords === old.indexedRecords &&
    neu.indexedRecords > 0 &&
    neu.expectedBlobs === old.expectedBlobs
  )
}

/**
 * Streams the old host's `getRepo` CAR into the new host's `importRepo`: the body is piped
 * through, never held whole. Returns the bytes moved.
 */
export async function streamRepo(o: {
  old: AtpAgent
  neu: AtpAgent
  did: string
  fetch: typeof fetch
}): Promise<number> {
  const source = await o.fetch(
    `${o.old.serviceUrl.origin}/xrpc/com.atproto.sync.getRepo?did=${encodeURIComponent(o.did)}`,
    { headers: bearer(o.old) },
  )
  if (!source.ok || !source.body) {
    throw new Error(`getRepo at the old host: HTTP ${source.status} ${(await source.text()).slice(0, 200)}`)
  }
  let bytes = 0
  const counted = source.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, out) {
        bytes += chunk.byteLength
        out.enqueue(chunk)
      },
    }),
  )
  const res = await o.fetch(`${o.neu.serviceUrl.origin}/xrpc/com.atproto.repo.importRepo`, {
    method: 'POST',
    headers: { ...bearer(o.neu), 'content-type': 'application/vnd.ipld.car' },
    body: counted,
    // Node's fetch needs this to send a stream as a request body.
    duplex: 'half',
  } as RequestInit)
  if (!res.ok)
    throw new Error(`importRepo at the new host: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`)
  await res.body?.cancel()
  return bytes
}

function bearer(agent: AtpAgent): Record<string, string> {
  const token = agent.session?.accessJwt
  if (!token) throw new Error(`not logged in at ${agent.serviceUrl.origin}`)
  return { authorization: `Bearer ${token}` }
}
