import type { env } from 'cloudflare:test'
import { decode } from '@atproto/lex-cbor'
import type { Cid } from '@atproto/lex-data'
import { readCar } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import type { WriteInput } from '../src/actors/repo/commit/write-ops'
import { scratchRepoStub } from './helpers/actors'
import { withOpenedRepo } from './helpers/opened-repo'
import commitProofCases from './vectors/atproto-interop/firehose/commit-proof-fixtures.json'

type ProofCase = (typeof commitProofCases)[number]

const path = (key: string) => {
  const [collection = '', rkey = ''] = key.split('/')
  return { collection, rkey }
}

/** Only the CID enters the tree; the block bytes are a stand-in the actor stores as given. */
const placeholder = new Uint8Array([0xa0])

/** The data root and CAR blocks of the newest `#commit` in a repo actor's outbox. */
async function lastCommit(stub: ReturnType<typeof env.REPO.get>) {
  const rows = await withOpenedRepo(stub, (r) => r.outbox.read(0, 1000))
  const row = rows.filter((r) => r.type === '#commit').at(-1)
  if (!row) throw new Error('no commit event')
  const body = decode(new Uint8Array(row.body)) as { commit: Cid; blocks: Uint8Array }
  // Placeholder leaves do not hash to their CIDs, so CID checks are off for this CAR.
  const { roots, blocks } = await readCar(body.blocks, { skipCidVerification: true })
  const commitBytes = blocks.get(body.commit)
  if (!roots[0]?.equals(body.commit) || !commitBytes) throw new Error('CAR is not rooted at the commit')
  const commit = decode(commitBytes) as { data: Cid }
  return { data: commit.data.toString(), blocks }
}

describe('commit-proof vectors through the repo actor', () => {
  it.each(commitProofCases.map((c) => [c.comment, c] as const))('%s', async (_name, c: ProofCase) => {
    const stub = scratchRepoStub('proof')
    const create = (key: string): WriteInput => ({
      action: 'create',
      ...path(key),
      cid: c.leafValue,
      bytes: placeholder,
    })
    const seeded = await stub.applyWrites({ writes: c.keys.map(create) })
    expect(seeded.ok).toBe(true)
    expect((await lastCommit(stub)).data).toBe(c.rootBeforeCommit)

    const writes: WriteInput[] = [
      ...c.adds.map(create),
      ...c.dels.map((k) => ({ action: 'delete' as const, ...path(k) })),
    ]
    expect((await stub.applyWrites({ writes })).ok).toBe(true)
    const after = await lastCommit(stub)
    expect(after.data).toBe(c.rootAfterCommit)
    const missing = c.blocksInProof.filter((cid) => !after.blocks.cids().some((b) => b.toString() === cid))
    expect(missing).toEqual([])
  })
})
