import { type Cid, cidForCbor } from '@atproto/lex-data'
import { type BlockMap, DataDiff, type MST } from '@atproto/repo'
import { encodeNode } from './node-encoding'

/**
 * The commit's tree work without `@atproto/repo`'s generic walk: its `DataDiff.of` visits
 * every entry of both trees' changed regions through a walker and encodes and hashes each
 * new node a second time after `getPointer` did. Here each outdated node is encoded once
 * (`sealTree`), and the diff descends only into subtrees whose key span touches a changed
 * key (`diffTrees`).
 *
 * Tricky bits:
 * - a subtree's span is the open interval between the leaves around it in its parent
 *   (or the parent's own span); the MST is canonical, so a subtree whose closed span holds
 *   no changed key has the same keys, layer and CID in both trees and is skipped on both
 *   sides. A changed key that bounds a subtree in one tree lies inside its span in the
 *   other, so both sides descend into the same subtrees: nothing shared is ever reported
 *   removed (the test compares with `DataDiff.of` over long random sequences);
 * - leaves come from the writes themselves, fed to `DataDiff` in key order, as its walk does.
 */

/** A write as the diff sees it: the key and the record CID before and after. */
export type LeafChange = { key: string; prev: Cid | null; cid: Cid | null }

/**
 * Computes the pointer of every outdated node of `tree`, children first, encoding each
 * node once; the bytes of the nodes it encoded go into `sealed`.
 */
export async function sealTree(tree: MST, sealed: BlockMap): Promise<Cid> {
  if (!tree.outdatedPointer) return tree.pointer
  // A copy of the entry list, holding the same subtree objects: sealing them updates it.
  const entries = await tree.getEntries()
  for (const e of entries) if (e.isTree() && e.outdatedPointer) await sealTree(e, sealed)
  const bytes = encodeNode(entries)
  const cid = await cidForCbor(bytes)
  tree.pointer = cid
  tree.outdatedPointer = false
  sealed.set(cid, bytes)
  return cid
}

/**
 * The diff from `prev` to `curr` (sealed) as `DataDiff` reports it: new MST blocks, new leaf
 * CIDs and removed CIDs. `sealed` holds the bytes `sealTree` produced; a new node missing
 * from it (built with its pointer already computed) is encoded here.
 */
export async function diffTrees(
  curr: MST,
  prev: MST,
  changes: LeafChange[],
  sealed: BlockMap,
): Promise<DataDiff> {
  const sorted = [...changes].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const keys = sorted.map((c) => c.key)
  const currNodes = new Map<string, MST>()
  const prevNodes = new Map<string, MST>()
  await collectTouched(curr, null, null, keys, currNodes)
  await collectTouched(prev, null, null, keys, prevNodes)

  const diff = new DataDiff()
  for (const c of sorted) {
    if (c.prev && c.cid) diff.leafUpdate(c.key, c.prev, c.cid)
    else if (c.cid) diff.leafAdd(c.key, c.cid)
    else if (c.prev) diff.leafDelete(c.key, c.prev)
  }
  for (const [key, node] of currNodes) {
    if (prevNodes.has(key)) continue
    diff.treeAdd(node.pointer, sealed.get(node.pointer) ?? (await node.serialize()).bytes)
  }
  for (const [key, node] of prevNodes) if (!currNodes.has(key)) diff.treeDelete(node.pointer)
  return diff
}

/** Adds `node` and every subtree below it whose closed span holds one of `keys` (sorted). */
async function collectTouched(
  node: MST,
  lo: string | null,
  hi: string | null,
  keys: string[],
  out: Map<string, MST>,
): Promise<void> {
  out.set((await node.getPointer()).toString(), node)
  const entries = await node.getEntries()
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]
    if (!entry?.isTree()) continue
    const before = entries[i - 1]
    const after = entries[i + 1]
    const childLo = before?.isLeaf() ? before.key : lo
    const childHi = after?.isLeaf() ? after.key : hi
    if (keys.some((k) => (childLo === null || k >= childLo) && (childHi === null || k <= childHi))) {
      await collectTouched(entry, childLo, childHi, keys, out)
    }
  }
}
