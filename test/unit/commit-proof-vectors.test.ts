import { TID } from '@atproto/common-web'
import { Secp256k1Keypair } from '@atproto/crypto'
import { parseCid } from '@atproto/lex-data'
import { MemoryBlockstore, MST, mstUtil } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { buildCommit, type PreparedWrite, type RepoHead } from '../../src/actors/repo/commit/commit-builder'
import { readSignedCommit } from '../helpers/commit-signature'
import { invertSlice } from '../helpers/op-inversion'
import commitProofCases from '../vectors/atproto-interop/firehose/commit-proof-fixtures.json'
import keyHeights from '../vectors/atproto-interop/mst/key_heights.json'

type ProofCase = (typeof commitProofCases)[number]

const split = (key: string) => {
  const [collection = '', rkey = ''] = key.split('/')
  return { collection, rkey }
}

/** An MST holding every key of the case, persisted so a head can load it from storage. */
async function treeBefore(c: ProofCase, storage: MemoryBlockstore) {
  const leaf = parseCid(c.leafValue)
  let tree = await MST.create(storage)
  for (const key of c.keys) tree = await tree.add(key, leaf)
  const { root, blocks } = await tree.getUnstoredBlocks()
  await storage.putMany(blocks)
  return root
}

/** The case's adds and dels as one batch; the record bytes are placeholders (only CIDs enter the tree). */
function writesOf(c: ProofCase): PreparedWrite[] {
  const leaf = parseCid(c.leafValue)
  const placeholder = new Uint8Array([0xa0])
  return [
    ...c.adds.map((key) => ({
      action: 'create' as const,
      ...split(key),
      cid: leaf,
      bytes: placeholder,
      prev: null,
    })),
    ...c.dels.map((key) => ({ action: 'delete' as const, ...split(key), prev: leaf })),
  ]
}

describe('commit-proof interop vectors', () => {
  it.each(commitProofCases.map((c) => [c.comment, c] as const))('%s', async (_name, c) => {
    const storage = new MemoryBlockstore()
    const before = await treeBefore(c, storage)
    expect(before.toString()).toBe(c.rootBeforeCommit)

    const keypair = await Secp256k1Keypair.create()
    const did = 'did:example:vectors'
    const head: RepoHead = {
      did,
      cid: parseCid(c.leafValue),
      rev: TID.nextStr(),
      data: MST.load(storage, before),
      dataCid: before,
    }
    const built = await buildCommit(head, writesOf(c), keypair)
    expect(built.head.dataCid.toString()).toBe(c.rootAfterCommit)

    const commit = await readSignedCommit(built.eventBlocks, built.commit.cid, keypair.did())
    expect(commit.data.toString()).toBe(c.rootAfterCommit)
    const missing = c.blocksInProof.filter((cid) => !built.eventBlocks.has(parseCid(cid)))
    expect(missing).toEqual([])

    // Only the slice: the stored tree must not help the inversion.
    const restored = await invertSlice(built.eventBlocks, commit.data, built.ops)
    expect(restored.toString()).toBe(c.rootBeforeCommit)
  })
})

describe('MST key height vectors', () => {
  it.each(keyHeights.map((k) => [k.key, k.height] as const))('%j has height %i', async (key, height) => {
    expect(await mstUtil.leadingZerosOnHash(key)).toBe(height)
  })
})
