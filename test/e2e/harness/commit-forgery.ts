import { Secp256k1Keypair } from '@atproto/crypto'
import { cidForLex, decode, encode } from '@atproto/lex-cbor'
import type { LexMap } from '@atproto/lex-data'
import { blocksToCarFile, readCarWithRoot } from '@atproto/repo'

/** Makes a signature over the DAG-CBOR of an unsigned commit. */
export type Signer = (unsigned: Uint8Array) => Promise<Uint8Array>

/** The order of secp256k1: `s` and `n - s` are both valid ECDSA, only the low one is accepted. */
const K256_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

/** Signs with a hex private key, as the PDS does (compact, low-S). */
export const signWith =
  (hex: string): Signer =>
  async (bytes) =>
    (await Secp256k1Keypair.import(hex)).sign(bytes)

/** The same signature with `s` replaced by `n - s`: valid ECDSA, but malleable, so relays refuse it. */
export const withHighS =
  (sign: Signer): Signer =>
  async (bytes) => {
    const sig = await sign(bytes)
    const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString('hex')}`)
    const high = Buffer.from((K256_N - s).toString(16).padStart(64, '0'), 'hex')
    return Uint8Array.from([...sig.subarray(0, 32), ...high])
  }

/**
 * A copy of a `#commit` body whose commit block was re-made: `edit` changes the unsigned
 * commit, `sign` signs it, and the CAR, `commit` CID and event `rev` are rebuilt to match,
 * so exactly one property is wrong.
 */
export async function reforgeCommit(body: LexMap, edit: (c: LexMap) => void, sign: Signer): Promise<LexMap> {
  const { root, blocks } = await readCarWithRoot(body.blocks as Uint8Array)
  const old = blocks.get(root)
  if (!old) throw new Error('commit block missing')
  const { sig: _sig, ...unsigned } = decode(old) as LexMap
  edit(unsigned)
  const signed = { ...unsigned, sig: await sign(encode(unsigned)) }
  const cid = await cidForLex(signed)
  blocks.delete(root).set(cid, encode(signed))
  return { ...body, commit: cid, rev: unsigned.rev, blocks: await blocksToCarFile(cid, blocks) }
}

/** A copy of a `#commit` body with one block of its CAR left out. */
export async function withoutBlock(body: LexMap, cid: unknown): Promise<LexMap> {
  const { root, blocks } = await readCarWithRoot(body.blocks as Uint8Array)
  const target = [...blocks.cids()].find((c) => String(c) === String(cid))
  if (!target) throw new Error(`block ${String(cid)} not in the slice`)
  blocks.delete(target)
  return { ...body, blocks: await blocksToCarFile(root, blocks) }
}
