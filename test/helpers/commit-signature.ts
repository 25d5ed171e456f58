// Pure (no `cloudflare:test`), so the workerd tests and the Node end-to-end suite share it.
import { verifySignature } from '@atproto/crypto'
import { decode, encode } from '@atproto/lex-cbor'
import { type Cid, isCid } from '@atproto/lex-data'
import type { BlockMap } from '@atproto/repo'

/** A v3 commit as read back from bytes, with its signature already checked. */
export type CheckedCommit = { did: string; version: number; rev: string; data: Cid; prev: Cid | null }

/** True when `cid` is the SHA-256 of `bytes`, hashed here with WebCrypto. */
export async function rehashMatches(cid: Cid, bytes: Uint8Array): Promise<boolean> {
  if (cid.multihash.code !== 0x12) return false
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  const expected = cid.multihash.digest
  return digest.length === expected.length && digest.every((b, i) => b === expected[i])
}

/**
 * Reads the commit block `cid` from `blocks` and checks it as a relay does: the
 * bytes hash to the CID, the fields are a v3 commit, and the compact low-S
 * signature over the DAG-CBOR of the unsigned commit verifies against `didKey`.
 */
export async function readSignedCommit(blocks: BlockMap, cid: Cid, didKey: string): Promise<CheckedCommit> {
  const bytes = blocks.get(cid)
  if (!bytes) throw new Error(`commit block ${cid.toString()} missing`)
  if (!(await rehashMatches(cid, bytes))) throw new Error('commit bytes do not hash to its CID')
  const obj = decode(bytes) as Record<string, unknown>
  const { did, version, rev, data, prev, sig } = obj
  if (Object.keys(obj).sort().join() !== 'data,did,prev,rev,sig,version') {
    throw new Error(`commit keys: ${Object.keys(obj).join()}`)
  }
  if (typeof did !== 'string' || typeof rev !== 'string' || typeof version !== 'number') {
    throw new Error('commit did/rev/version malformed')
  }
  if (!isCid(data) || (prev !== null && !isCid(prev)) || !(sig instanceof Uint8Array)) {
    throw new Error('commit data/prev/sig malformed')
  }
  const unsigned = encode({ did, version, data, rev, prev })
  if (!(await verifySignature(didKey, unsigned, sig))) throw new Error('commit signature invalid')
  return { did, version, rev, data, prev }
}
