import { TID } from '@atproto/common-web'
import type { Keypair } from '@atproto/crypto'
import { encode } from '@atproto/lex-cbor'
import { type Cid, cidForCbor } from '@atproto/lex-data'
import { BlockMap, CidSet, type CommitData, MST, signCommit } from '@atproto/repo'
import { addCoveringProof } from './covering-proof'
import { RecentNodes } from './recent-nodes'
import { diffTrees, sealTree } from './tree-diff'

/** A write whose record the Worker has already validated and encoded. */
export type PreparedWrite =
  | {
      action: 'create' | 'update'
      collection: string
      rkey: string
      cid: Cid
      bytes: Uint8Array
      prev: Cid | null
    }
  | { action: 'delete'; collection: string; rkey: string; prev: Cid }

/** The signed head of the repo, with its MST kept in memory between writes. */
export type RepoHead = { did: string; cid: Cid; rev: string; data: MST; dataCid: Cid }

/** A repoOp as sync v1.1 defines it: create has no `prev`, delete has `cid: null`. */
export type CommitOp =
  | { action: 'create'; path: string; cid: Cid }
  | { action: 'update'; path: string; cid: Cid; prev: Cid }
  | { action: 'delete'; path: string; cid: null; prev: Cid }

export type BuiltCommit = {
  commit: CommitData
  head: RepoHead
  ops: CommitOp[]
  /** New blocks plus the covering proof of every op: what the `#commit` CAR slice carries. */
  eventBlocks: BlockMap
}

const dataKey = (w: { collection: string; rkey: string }) => `${w.collection}/${w.rkey}`

/**
 * Computes (but does not persist) the commit that applies `writes` to `head`.
 * Persisting is the caller's step, so a failed transaction leaves `head` usable.
 * `recent` serves proof nodes without a storage read and learns the nodes encoded here
 * (kept across calls by the writer; bytes by CID are right whether the commit lands or not).
 */
export async function buildCommit(
  head: RepoHead,
  writes: PreparedWrite[],
  keypair: Keypair,
  recent: RecentNodes = new RecentNodes(),
): Promise<BuiltCommit> {
  let data = head.data
  const leaves = new BlockMap()
  for (const w of writes) {
    const key = dataKey(w)
    if (w.action === 'create') {
      leaves.set(w.cid, w.bytes)
      data = await data.add(key, w.cid)
    } else if (w.action === 'update') {
      leaves.set(w.cid, w.bytes)
      data = await data.update(key, w.cid)
    } else {
      data = await data.delete(key)
      // @NOTE @atproto/repo keeps the layer of a tree that deletes empty, so keys added
      // after that land under empty intermediate nodes and the root is not the
      // canonical one for its keys (relays inverting the ops would not get prevData).
      if ((await data.getEntries()).length === 0) data = await MST.create(data.storage)
    }
  }
  const sealed = new BlockMap()
  const dataCid = await sealTree(data, sealed)
  const changes = writes.map((w) => ({
    key: dataKey(w),
    prev: w.prev,
    cid: w.action === 'delete' ? null : w.cid,
  }))
  const diff = await diffTrees(data, head.data, changes, sealed)

  const newBlocks = diff.newMstBlocks
  recent.addAll(newBlocks) // MST nodes only: the leaves are added below
  newBlocks.addMap(leaves.getMany(diff.newLeafCids.toList()).blocks)
  // sync v1.1: every created or updated record rides in the slice, even one whose CID
  // the repo already held, plus the covering proof of each op key in the new tree.
  const eventBlocks = new BlockMap().addMap(newBlocks).addMap(leaves)
  const proof = new CidSet()
  for (const w of writes) await addCoveringProof(data, dataKey(w), proof)
  for (const cid of proof) {
    if (eventBlocks.has(cid)) continue
    const bytes = recent.get(cid) ?? (await data.storage.getBytes(cid))
    if (!bytes) throw new Error(`MST node ${cid.toString()} missing from storage`)
    recent.set(cid, bytes)
    eventBlocks.set(cid, bytes)
  }

  const rev = TID.nextStr(head.rev)
  const signed = await signCommit({ did: head.did, version: 3, rev, prev: null, data: dataCid }, keypair)
  const commitBytes = encode(signed)
  const commitCid = await cidForCbor(commitBytes)
  newBlocks.set(commitCid, commitBytes)
  eventBlocks.set(commitCid, commitBytes)
  const removedCids = diff.removedCids.add(head.cid)

  return {
    commit: {
      cid: commitCid,
      rev,
      since: head.rev,
      prev: head.cid,
      newBlocks,
      relevantBlocks: eventBlocks,
      removedCids,
    },
    head: { did: head.did, cid: commitCid, rev, data, dataCid },
    ops: writes.map(toCommitOp),
    eventBlocks,
  }
}

function toCommitOp(w: PreparedWrite): CommitOp {
  const path = dataKey(w)
  if (w.action === 'delete') return { action: 'delete', path, cid: null, prev: w.prev }
  if (w.action === 'update') {
    if (!w.prev) throw new Error(`update of ${path} without prev`)
    return { action: 'update', path, cid: w.cid, prev: w.prev }
  }
  return { action: 'create', path, cid: w.cid }
}
