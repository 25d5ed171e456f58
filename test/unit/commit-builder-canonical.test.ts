import { Secp256k1Keypair } from '@atproto/crypto'
import { encode } from '@atproto/lex-cbor'
import { type Cid, cidForCbor } from '@atproto/lex-data'
import { MemoryBlockstore, MST } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { buildCommit, type PreparedWrite, type RepoHead } from '../../src/actors/repo/commit/commit-builder'
import { prng } from '../helpers/prng'
import { OWNER } from '../helpers/test-identity'

/** The root any correct MST gives for these keys, built from scratch in a fresh store. */
async function canonicalRoot(entries: Map<string, Cid>): Promise<Cid> {
  let tree = await MST.create(new MemoryBlockstore())
  for (const [k, v] of entries) tree = await tree.add(k, v)
  return tree.getPointer()
}

/** Like the repo actor, each commit's blocks are stored before the next one is built on them. */
async function emptyHead(): Promise<RepoHead> {
  const data = await MST.create(new MemoryBlockstore())
  return {
    did: OWNER.did,
    cid: await cidForCbor(encode({})),
    rev: '2222222222222',
    data,
    dataCid: await data.getPointer(),
  }
}

const create = async (rkey: string): Promise<PreparedWrite> => {
  const bytes = encode({ rkey })
  return {
    action: 'create',
    collection: 'com.example.t',
    rkey,
    cid: await cidForCbor(bytes),
    bytes,
    prev: null,
  }
}

describe('buildCommit data roots', () => {
  it('stays canonical when a commit empties the tree and then adds keys (an @atproto/repo MST quirk)', async () => {
    const keypair = await Secp256k1Keypair.import(OWNER.signingKeyHex)
    // `ddc4c219` sits at MST height 2; the three added keys at heights 0, 1 and 0.
    const first = await buildCommit(await emptyHead(), [await create('ddc4c219')], keypair)
    const only = first.ops[0]
    if (only?.action !== 'create') throw new Error('expected a create')
    const writes = [
      { action: 'delete' as const, collection: 'com.example.t', rkey: 'ddc4c219', prev: only.cid },
      await create('f377a54d'),
      await create('f885b1f8'),
      await create('af380969'),
    ]
    await (first.head.data.storage as MemoryBlockstore).applyCommit(first.commit)
    const second = await buildCommit(first.head, writes, keypair)
    const expected = new Map(
      second.ops.flatMap((op) => (op.action === 'create' ? [[op.path, op.cid] as const] : [])),
    )
    expect(second.head.dataCid.toString()).toBe((await canonicalRoot(expected)).toString())
  })

  it('matches a from-scratch rebuild after every one of 300 random commits', async () => {
    const keypair = await Secp256k1Keypair.import(OWNER.signingKeyHex)
    const random = prng(20261125)
    let head = await emptyHead()
    const live = new Map<string, Cid>()
    for (let c = 0; c < 300; c++) {
      const writes: PreparedWrite[] = []
      const touched = new Set<string>()
      for (let n = 1 + Math.floor(random() * 5); n > 0; n--) {
        const keys = [...live.keys()].filter((k) => !touched.has(k))
        const pick = keys[Math.floor(random() * keys.length)]
        if (random() < 0.45 && pick) {
          touched.add(pick)
          writes.push({
            action: 'delete',
            collection: 'com.example.t',
            rkey: pick.split('/')[1] ?? '',
            prev: live.get(pick) as Cid,
          })
        } else {
          const rkey = Math.floor(random() * 2 ** 32).toString(16)
          if (touched.has(`com.example.t/${rkey}`) || live.has(`com.example.t/${rkey}`)) continue
          touched.add(`com.example.t/${rkey}`)
          writes.push(await create(rkey))
        }
      }
      const built = await buildCommit(head, writes, keypair)
      await (head.data.storage as MemoryBlockstore).applyCommit(built.commit)
      for (const op of built.ops) {
        if (op.action === 'delete') live.delete(op.path)
        else live.set(op.path, op.cid)
      }
      expect(built.head.dataCid.toString(), `commit ${c}`).toBe((await canonicalRoot(live)).toString())
      head = built.head
    }
  })
})
