import { TID } from '@atproto/common-web'
import { type Keypair, Secp256k1Keypair } from '@atproto/crypto'
import { encode } from '@atproto/lex-cbor'
import { type Cid, cidForCbor, createCid, type LexValue, parseCid, SHA256_HASH_CODE } from '@atproto/lex-data'
import { BlockMap, blocksToCarFile, MemoryBlockstore, MST, signCommit } from '@atproto/repo'
import { OWNER } from './test-identity'

const DAG_CBOR = 0x71

/** A repo as another host would export it: its commit, tree root and blocks. */
export type SourceRepo = { root: Cid; data: Cid; rev: string; blocks: BlockMap; paths: string[] }

/** The DAG-CBOR CID of arbitrary bytes (they need not decode). */
export async function dagCborCid(bytes: Uint8Array): Promise<Cid> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
  return createCid(DAG_CBOR, SHA256_HASH_CODE, digest)
}

/** A post record, with an image blob ref when `blob` is a raw CID string. */
export const postRecord = (i: number, blob?: string) => ({
  $type: 'com.example.post',
  text: `post ${i}`,
  ...(blob ? { image: { $type: 'blob', ref: parseCid(blob), mimeType: 'image/png', size: 100 } } : {}),
})

/**
 * Builds a repo of `records` (path → record bytes, or a value to encode) the way a
 * source host would, with `@atproto/repo`'s MST, under a commit signed by `keypair` (the
 * old host's key, not ours).
 */
export async function buildSourceRepo(
  records: [string, Uint8Array | Record<string, unknown>][],
  opts: { keypair?: Keypair; did?: string; rev?: string } = {},
): Promise<SourceRepo> {
  const keypair = opts.keypair ?? (await Secp256k1Keypair.create())
  const storage = new MemoryBlockstore()
  const blocks = new BlockMap()
  let mst = await MST.create(storage)
  for (const [path, value] of records) {
    const bytes = value instanceof Uint8Array ? value : encode(value as LexValue)
    const cid = await dagCborCid(bytes)
    blocks.set(cid, bytes)
    mst = await mst.add(path, cid)
  }
  const tree = await mst.getUnstoredBlocks()
  blocks.addMap(tree.blocks)
  const rev = opts.rev ?? TID.nextStr()
  const commit = await signCommit(
    { did: opts.did ?? OWNER.did, version: 3, rev, prev: null, data: tree.root },
    keypair,
  )
  const commitBytes = encode(commit)
  const root = await cidForCbor(commitBytes)
  blocks.set(root, commitBytes)
  return { root, data: tree.root, rev, blocks, paths: records.map(([p]) => p) }
}

/** `n` posts under `com.example.post/<i>`; every `blobEvery`th references one of `blobs`. */
export function posts(n: number, blobs: string[] = [], blobEvery = 0): [string, Record<string, unknown>][] {
  return Array.from({ length: n }, (_, i) => {
    const blob = blobEvery > 0 && i % blobEvery === 0 ? blobs[(i / blobEvery) % blobs.length] : undefined
    return [`com.example.post/${String(i).padStart(6, '0')}`, postRecord(i, blob)]
  })
}

/** The repo as a CAR rooted at `root` (its commit unless a test says otherwise). */
export const carOf = (repo: SourceRepo, root: Cid = repo.root, blocks: BlockMap = repo.blocks) =>
  blocksToCarFile(root, blocks)
