import type { Cid } from '@atproto/lex-data'
import { type BlockMap, MemoryBlockstore, MST } from '@atproto/repo'

/**
 * An independent sync v1.1 checker, written against `@atproto/repo`'s MST only
 * (nothing from `src/`), after indigo's `atproto/repo` `Operation` and `invertOp`.
 */

/** A repoOp as it appears on the wire; `prev` may be missing, which matters. */
export type WireOp = { action: string; path: string; cid: Cid | null; prev?: Cid | null }

/** The shape rules of indigo `parseCommitOps`; null when the op is well formed. */
export function opShapeProblem(op: WireOp): string | null {
  const hasPrev = 'prev' in op && op.prev !== undefined
  switch (op.action) {
    case 'create':
      if (!op.cid) return `create ${op.path}: cid missing`
      return 'prev' in op ? `create ${op.path}: prev key present` : null
    case 'update':
      if (!op.cid) return `update ${op.path}: cid missing`
      return hasPrev && op.prev ? null : `update ${op.path}: prev missing`
    case 'delete':
      if (!('cid' in op) || op.cid !== null) return `delete ${op.path}: cid is not an explicit null`
      return hasPrev && op.prev ? null : `delete ${op.path}: prev missing`
    default:
      return `unknown action ${op.action}`
  }
}

/**
 * Undoes `ops` on `tree`. Each op is first checked against the tree it claims to
 * have produced (a create or update must find its `cid` at `path`, a delete must
 * find nothing). Throws on a shape problem, a mismatch, or a block the tree needs
 * but does not have (an incomplete covering proof).
 */
export async function invertOps(tree: MST, ops: readonly WireOp[]): Promise<MST> {
  let t = tree
  for (const op of [...ops].reverse()) {
    const problem = opShapeProblem(op)
    if (problem) throw new Error(problem)
    const found = await t.get(op.path)
    if (op.action === 'delete') {
      if (found) throw new Error(`delete ${op.path}: key still in the tree`)
      t = await t.add(op.path, op.prev as Cid)
      continue
    }
    if (!found || !op.cid || !found.equals(op.cid)) {
      throw new Error(`${op.action} ${op.path}: tree holds ${String(found)}, op says ${String(op.cid)}`)
    }
    t = op.action === 'create' ? await t.delete(op.path) : await t.update(op.path, op.prev as Cid)
    // @atproto/repo keeps the layer of a tree that deletes empty, and later adds would
    // then build a non-canonical tree; a relay's MST has no such state, so start fresh.
    if ((await t.getEntries()).length === 0) t = await MST.create(t.storage)
  }
  return t
}

/** Loads the tree at `dataCid` from `blocks` alone, inverts `ops` and returns the old root CID. */
export async function invertSlice(blocks: BlockMap, dataCid: Cid, ops: readonly WireOp[]): Promise<Cid> {
  const tree = MST.load(new MemoryBlockstore(blocks), dataCid)
  return (await invertOps(tree, ops)).getPointer()
}
