import type { Cid } from '@atproto/lex-data'
import type { BlockMap } from '@atproto/repo'

/** About 1 MB at most: MST nodes are small, and a write's proof reaches only the last few commits' nodes. */
const DEFAULT_CAPACITY = 512

/**
 * The bytes of recently encoded (or read) MST nodes, by CID, kept between writes. A write's
 * covering proof names nodes the write did not change (the right edge of the subtree left
 * of a new key: with TID keys, nodes the previous commits wrote); without this each was a
 * SQL read per write. A CID names its bytes for good, so an entry is never stale; the
 * oldest entries go first once `capacity` is reached.
 */
export class RecentNodes {
  private readonly bytes = new Map<string, Uint8Array>()

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  get(cid: Cid): Uint8Array | undefined {
    return this.bytes.get(cid.toString())
  }

  set(cid: Cid, bytes: Uint8Array): void {
    const key = cid.toString()
    this.bytes.delete(key)
    this.bytes.set(key, bytes)
    while (this.bytes.size > this.capacity) {
      const oldest = this.bytes.keys().next().value
      if (oldest === undefined) break
      this.bytes.delete(oldest)
    }
  }

  addAll(blocks: BlockMap): void {
    for (const [cid, bytes] of blocks) this.set(cid, bytes)
  }
}
