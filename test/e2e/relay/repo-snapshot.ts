import type { Cid } from '@atproto/lex-data'
import { MemoryBlockstore, MST, readCarWithRoot, verifyRepo } from '@atproto/repo'
import { readSignedCommit } from '../../helpers/commit-signature'
import { loopbackFetch } from '../harness/loopback-fetch'

/** A whole repo as `getRepo` exports it, verified: record path → record CID. */
export type RepoSnapshot = { commit: Cid; rev: string; data: Cid; records: Map<string, string> }

/** The root of an empty MST, `{l: null, e: []}`, which the genesis commit's ops invert to. */
export const emptyTreeRoot = async (): Promise<Cid> => (await MST.create(new MemoryBlockstore())).getPointer()

/**
 * Fetches `com.atproto.sync.getRepo` and verifies it with `@atproto/repo`: every block
 * hashes to its CID, the commit is signed by `didKey` for `did`, and the MST is complete
 * down to every record block.
 */
export async function fetchRepoSnapshot(baseUrl: string, did: string, didKey: string): Promise<RepoSnapshot> {
  const url = new URL('/xrpc/com.atproto.sync.getRepo', baseUrl)
  url.searchParams.set('did', did)
  const res = await loopbackFetch(url)
  if (res.status !== 200) throw new Error(`getRepo: HTTP ${res.status} ${await res.text()}`)
  const type = res.headers.get('content-type')
  if (type !== 'application/vnd.ipld.car') throw new Error(`getRepo content-type ${type}`)
  const { root, blocks } = await readCarWithRoot(new Uint8Array(await res.arrayBuffer()))
  const verified = await verifyRepo(blocks, root, did, didKey)
  const commit = await readSignedCommit(blocks, root, didKey)
  const records = new Map(verified.creates.map((c) => [`${c.collection}/${c.rkey}`, c.cid.toString()]))
  return { commit: root, rev: commit.rev, data: commit.data, records }
}
