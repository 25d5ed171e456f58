import { encode } from '@atproto/lex-cbor'
import type { Cid } from '@atproto/lex-data'
import { type BlockMap, concatBytes } from '@atproto/repo'

/** Unsigned LEB128, as CAR frames its sections. */
function varint(n: number): Uint8Array {
  const out: number[] = []
  let rest = n
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80)
    rest = Math.floor(rest / 0x80)
  }
  out.push(rest)
  return Uint8Array.from(out)
}

/**
 * A CARv1 file of `blocks` rooted at `root`, built in one synchronous pass: the bytes
 * `@atproto/repo`'s `blocksToCarFile` gives (a test compares them), without its async
 * generators (several promise turns per block, on every write's `#commit`).
 */
export function carBytes(root: Cid, blocks: BlockMap): Uint8Array {
  const header = encode({ version: 1, roots: [root] })
  const parts: Uint8Array[] = [varint(header.byteLength), header]
  for (const [cid, bytes] of blocks) {
    parts.push(varint(cid.bytes.byteLength + bytes.byteLength), cid.bytes, bytes)
  }
  return concatBytes(parts)
}
