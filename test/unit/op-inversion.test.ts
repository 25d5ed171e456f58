import { parseCid } from '@atproto/lex-data'
import { BlockMap, DataDiff, MemoryBlockstore, MST } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { invertSlice, opShapeProblem, type WireOp } from '../helpers/op-inversion'
import commitProofCases from '../vectors/atproto-interop/firehose/commit-proof-fixtures.json'

// The checker must be able to say no, or the tests built on it prove nothing.

const A = parseCid('bafyreie5cvv4h45feadgeuwhbcutmh6t2ceseocckahdoe6uat64zmz454')
const B = parseCid('bafyreibj4lsc3aqnrvphp5xmrnfoorvru4wynt6lwidqbm2623a6tatzdu')
const PATH = 'com.example.record/3jqfcqzm3fo2j'

/** The "merge and split" vector, applied with `@atproto/repo` only. */
async function mergeAndSplit() {
  const c = commitProofCases.find((x) => x.comment === 'merge and split in multi-op commit')
  if (!c) throw new Error('vector missing')
  const leaf = parseCid(c.leafValue)
  let before = await MST.create(new MemoryBlockstore())
  for (const key of c.keys) before = await before.add(key, leaf)
  let after = before
  for (const key of c.adds) after = await after.add(key, leaf)
  for (const key of c.dels) after = await after.delete(key)
  const ops: WireOp[] = [
    ...c.adds.map((path) => ({ action: 'create', path, cid: leaf })),
    ...c.dels.map((path) => ({ action: 'delete', path, cid: null, prev: leaf })),
  ]
  const newBlocks = (await DataDiff.of(after, before)).newMstBlocks
  const proofs = new BlockMap().addMap(newBlocks)
  for (const op of ops) proofs.addMap(await after.getCoveringProof(op.path))
  return { c, ops, after: await after.getPointer(), newBlocks, proofs }
}

describe('op inversion checker', () => {
  it('accepts the three sync v1.1 op shapes', () => {
    expect(opShapeProblem({ action: 'create', path: PATH, cid: A })).toBeNull()
    expect(opShapeProblem({ action: 'update', path: PATH, cid: A, prev: B })).toBeNull()
    expect(opShapeProblem({ action: 'delete', path: PATH, cid: null, prev: B })).toBeNull()
  })

  it('rejects every other shape', () => {
    expect(opShapeProblem({ action: 'create', path: PATH, cid: A, prev: null })).toMatch(/prev key/)
    expect(opShapeProblem({ action: 'create', path: PATH, cid: null })).toMatch(/cid missing/)
    expect(opShapeProblem({ action: 'update', path: PATH, cid: A })).toMatch(/prev missing/)
    expect(opShapeProblem({ action: 'update', path: PATH, cid: A, prev: null })).toMatch(/prev missing/)
    expect(opShapeProblem({ action: 'delete', path: PATH, cid: A, prev: B })).toMatch(/explicit null/)
    expect(opShapeProblem({ action: 'delete', path: PATH, prev: B } as unknown as WireOp)).toMatch(
      /explicit null/,
    )
    expect(opShapeProblem({ action: 'delete', path: PATH, cid: null })).toMatch(/prev missing/)
    expect(opShapeProblem({ action: 'move', path: PATH, cid: A })).toMatch(/unknown action/)
  })

  it('inverts a complete slice back to the old root', async () => {
    const { c, ops, after, proofs } = await mergeAndSplit()
    expect((await invertSlice(proofs, after, ops)).toString()).toBe(c.rootBeforeCommit)
  })

  it('fails when the slice lacks the covering proofs', async () => {
    const { ops, after, newBlocks } = await mergeAndSplit()
    await expect(invertSlice(newBlocks, after, ops)).rejects.toThrow()
  })

  it('fails when an op disagrees with the tree', async () => {
    const { ops, after, proofs } = await mergeAndSplit()
    const [create, ...rest] = ops
    const wrongCid = { ...(create as WireOp), cid: B }
    await expect(invertSlice(proofs, after, [wrongCid, ...rest])).rejects.toThrow(/tree holds/)
    const notDeleted: WireOp = { action: 'delete', path: (create as WireOp).path, cid: null, prev: A }
    await expect(invertSlice(proofs, after, [notDeleted])).rejects.toThrow(/still in the tree/)
  })
})
