import type { CidSet, MST, NodeEntry } from '@atproto/repo'

/**
 * Adds to `out` the CIDs of the MST nodes a consumer needs to check or invert an
 * op at `key`: the search path to the key and, when the key is present, the
 * right edge of the subtree on its left and the left edge of the subtree on its
 * right (deleting the key merges those two). This is the node set of
 * `MST.getCoveringProof`, found from cached pointers instead of serializing each
 * node again, which made proofs the most expensive step of a write.
 */
export async function addCoveringProof(tree: MST, key: string, out: CidSet): Promise<void> {
  let node: MST | null = tree
  while (node) {
    out.add(await node.getPointer())
    const entries: NodeEntry[] = await node.getEntries()
    const i = firstLeafAtOrAfter(entries, key)
    const at = entries[i]
    if (at?.isLeaf() && at.key === key) {
      await addEdge(entries[i - 1], 'right', out)
      await addEdge(entries[i + 1], 'left', out)
      return
    }
    const before: NodeEntry | undefined = entries[i - 1]
    node = before?.isTree() ? before : null
  }
}

function firstLeafAtOrAfter(entries: NodeEntry[], key: string): number {
  const i = entries.findIndex((e) => e.isLeaf() && e.key >= key)
  return i === -1 ? entries.length : i
}

/** The path along one edge of a subtree, down to its bottom layer. */
async function addEdge(entry: NodeEntry | undefined, side: 'left' | 'right', out: CidSet): Promise<void> {
  let node: MST | null = entry?.isTree() ? entry : null
  while (node) {
    out.add(await node.getPointer())
    const entries: NodeEntry[] = await node.getEntries()
    const next: NodeEntry | undefined = side === 'left' ? entries[0] : entries.at(-1)
    node = next?.isTree() ? next : null
  }
}
