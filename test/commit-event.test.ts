import { parseCid } from '@atproto/lex-data'
import { readCarWithRoot } from '@atproto/repo'
import { beforeAll, describe, expect, it } from 'vitest'
import { agent, OWNER } from './helpers/client'
import { checkCommitEvent, type SyncState } from './helpers/commit-event-check'
import { type CommitBody, commitBodies, readOutboxEvents } from './helpers/outbox-events'
import { ownerDidKey, readSignedCommit, rehashMatches } from './helpers/signed-commit'

const COLLECTION = 'com.example.outboxTest'
const BULK = 'com.example.outboxBulk'
const uid = () => crypto.randomUUID().slice(0, 8)
const note = (text: string) => ({ $type: COLLECTION, text })

/** The `#commit` body with this rev, from a fresh read of the outbox. */
async function eventAt(rev: string): Promise<CommitBody> {
  const found = commitBodies(await readOutboxEvents()).find((b) => b.rev === rev)
  if (!found) throw new Error(`no #commit with rev ${rev}`)
  return found
}

const opSummary = (body: CommitBody) =>
  body.ops.map((op) => ({
    action: op.action,
    path: op.path,
    cid: op.cid?.toString() ?? null,
    prev: 'prev' in op ? String(op.prev) : 'absent',
  }))

describe('outbox #commit events', () => {
  let didKey: string
  beforeAll(async () => {
    didKey = await ownerDidKey()
  })

  it('starts with #identity, #account (active) and the genesis #commit', async () => {
    const [identity, account, genesis] = await readOutboxEvents()
    expect(identity?.type).toBe('#identity')
    expect(identity?.body).toMatchObject({ did: OWNER.did, handle: OWNER.handle })
    expect(account?.type).toBe('#account')
    expect(account?.body).toMatchObject({ did: OWNER.did, active: true })
    expect(genesis?.type).toBe('#commit')
    const body = genesis?.body as unknown as CommitBody
    expect(body.since).toBeNull()
    expect('prevData' in body).toBe(false)
    expect(body.ops).toEqual([])
    await checkCommitEvent(body, null, OWNER.did, didKey)
  })

  it('gives create, update and delete ops their sync v1.1 shapes', async () => {
    const a = agent()
    const rkey = `one-${uid()}`
    const path = `${COLLECTION}/${rkey}`
    const created = await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: COLLECTION,
      rkey,
      record: note('v1'),
    })
    const updated = await a.com.atproto.repo.putRecord({
      repo: OWNER.did,
      collection: COLLECTION,
      rkey,
      record: note('v2'),
    })
    const deleted = await a.com.atproto.repo.deleteRecord({ repo: OWNER.did, collection: COLLECTION, rkey })
    const revs = [created.data.commit?.rev, updated.data.commit?.rev, deleted.data.commit?.rev]
    const [c, u, d] = await Promise.all(revs.map((rev) => eventAt(String(rev))))
    const v1 = created.data.cid
    const v2 = updated.data.cid
    expect(opSummary(c as CommitBody)).toEqual([{ action: 'create', path, cid: v1, prev: 'absent' }])
    expect(opSummary(u as CommitBody)).toEqual([{ action: 'update', path, cid: v2, prev: v1 }])
    expect(opSummary(d as CommitBody)).toEqual([{ action: 'delete', path, cid: null, prev: v2 }])
    expect((d as CommitBody).ops[0]).toHaveProperty('cid', null)
  })

  it('carries all three actions of one applyWrites batch in one event', async () => {
    const a = agent()
    const [keep, gone, fresh] = [`keep-${uid()}`, `gone-${uid()}`, `fresh-${uid()}`]
    const before = await a.com.atproto.repo.applyWrites({
      repo: OWNER.did,
      writes: [
        {
          $type: 'com.atproto.repo.applyWrites#create',
          collection: COLLECTION,
          rkey: keep,
          value: note('k1'),
        },
        {
          $type: 'com.atproto.repo.applyWrites#create',
          collection: COLLECTION,
          rkey: gone,
          value: note('g1'),
        },
      ],
    })
    const batch = await a.com.atproto.repo.applyWrites({
      repo: OWNER.did,
      writes: [
        {
          $type: 'com.atproto.repo.applyWrites#create',
          collection: COLLECTION,
          rkey: fresh,
          value: note('f1'),
        },
        {
          $type: 'com.atproto.repo.applyWrites#update',
          collection: COLLECTION,
          rkey: keep,
          value: note('k2'),
        },
        { $type: 'com.atproto.repo.applyWrites#delete', collection: COLLECTION, rkey: gone },
      ],
    })
    const cidOf = (r: unknown) => String((r as { cid?: string }).cid)
    const [k1, g1] = before.data.results?.map(cidOf) ?? []
    const [f1, k2] = batch.data.results?.map(cidOf) ?? []
    const body = await eventAt(String(batch.data.commit?.rev))
    expect(opSummary(body)).toEqual([
      { action: 'create', path: `${COLLECTION}/${fresh}`, cid: f1, prev: 'absent' },
      { action: 'update', path: `${COLLECTION}/${keep}`, cid: k2, prev: k1 },
      { action: 'delete', path: `${COLLECTION}/${gone}`, cid: null, prev: g1 },
    ])
  })

  it('puts a record block in the slice even when the repo already held that CID', async () => {
    const a = agent()
    const record = note(`twin-${uid()}`)
    const first = await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: COLLECTION,
      rkey: `twin-a-${uid()}`,
      record,
    })
    const second = await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: COLLECTION,
      rkey: `twin-b-${uid()}`,
      record,
    })
    expect(second.data.cid).toBe(first.data.cid)
    const body = await eventAt(String(second.data.commit?.rev))
    const { blocks } = await readCarWithRoot(body.blocks)
    const cid = parseCid(second.data.cid)
    const bytes = blocks.get(cid)
    expect(bytes).toBeDefined()
    expect(await rehashMatches(cid, bytes as Uint8Array)).toBe(true)
  })

  it('inverts a large mixed batch whose deletes and creates merge and split subtrees', async () => {
    const a = agent()
    const key = (i: number) => `bulk-${String(i).padStart(3, '0')}`
    const create = (i: number) => ({
      $type: 'com.atproto.repo.applyWrites#create' as const,
      collection: BULK,
      rkey: key(i),
      value: { $type: BULK, n: i },
    })
    const seeded = await a.com.atproto.repo.applyWrites({
      repo: OWNER.did,
      writes: Array.from({ length: 150 }, (_, i) => create(i * 2)),
    })
    const mixed = await a.com.atproto.repo.applyWrites({
      repo: OWNER.did,
      writes: [
        ...Array.from({ length: 50 }, (_, i) => ({
          $type: 'com.atproto.repo.applyWrites#delete' as const,
          collection: BULK,
          rkey: key(i * 6),
        })),
        ...Array.from({ length: 50 }, (_, i) => create(i * 6 + 1)),
        ...Array.from({ length: 20 }, (_, i) => ({
          $type: 'com.atproto.repo.applyWrites#update' as const,
          collection: BULK,
          rkey: key(i * 6 + 2),
          value: { $type: BULK, n: -i },
        })),
      ],
    })
    const prev = await eventAt(String(seeded.data.commit?.rev))
    const body = await eventAt(String(mixed.data.commit?.rev))
    expect(body.ops).toHaveLength(120)
    // The state a consumer holds after the seeding commit: its rev and its signed `data`.
    const { root, blocks } = await readCarWithRoot(prev.blocks)
    const seededData = (await readSignedCommit(blocks, root, didKey)).data
    await checkCommitEvent(body, { rev: prev.rev, data: seededData }, OWNER.did, didKey)
  })

  it('chains every #commit in the outbox and each one inverts to its prevData', async () => {
    await agent().com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: COLLECTION,
      rkey: `chain-${uid()}`,
      record: note('chain'),
    })
    const bodies = commitBodies(await readOutboxEvents())
    expect(bodies.length).toBeGreaterThan(1)
    let state: SyncState | null = null
    for (const body of bodies) state = await checkCommitEvent(body, state, OWNER.did, didKey)
    const latest = await agent(false).com.atproto.sync.getLatestCommit({ did: OWNER.did })
    expect(state?.rev).toBe(latest.data.rev)
    expect(bodies.at(-1)?.commit.toString()).toBe(latest.data.cid)
  })
})
