import { Secp256k1Keypair } from '@atproto/crypto'
import { decode, encode } from '@atproto/lex-cbor'
import { cidForCbor } from '@atproto/lex-data'
import { Repo } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { identityEvent } from '../../src/actors/repo/commit/firehose-events'
import { RepoWriter } from '../../src/actors/repo/commit/repo-writer'
import type { WriteInput } from '../../src/actors/repo/commit/write-ops'
import { MemoryOutbox } from '../../src/actors/repo/outbox/memory-outbox'
import { MemoryBlockStore } from '../../src/actors/repo/storage/memory-block-store'
import { MemoryRecordIndex } from '../../src/actors/repo/storage/memory-record-index'
import { ManualClock } from '../../src/shared/clock'
import { OWNER } from '../helpers/test-identity'

const C = 'app.bsky.feed.post'
const T0 = Date.parse('2026-03-01T12:00:00.000Z')

/** The writer's dependencies, all in memory: no workerd, no SQLite. */
async function memoryDeps() {
  const index = new MemoryRecordIndex()
  const clock = new ManualClock(T0)
  return {
    transaction: <T>(fn: () => T): T => fn(),
    blocks: new MemoryBlockStore((cid) => index.namesCid(cid), clock),
    index,
    outbox: new MemoryOutbox(),
    keypair: await Secp256k1Keypair.import(OWNER.signingKeyHex),
    did: OWNER.did,
    handle: OWNER.handle,
    clock,
  }
}

async function post(rkey: string, text: string): Promise<WriteInput & { action: 'create' }> {
  const bytes = encode({ $type: C, text, createdAt: new Date(T0).toISOString() })
  return { action: 'create', collection: C, rkey, cid: (await cidForCbor(bytes)).toString(), bytes }
}

const bodyOf = (row: { body: Uint8Array } | undefined) =>
  decode(row?.body ?? new Uint8Array()) as Record<string, unknown>

describe('RepoWriter', () => {
  it('starts a repo with a genesis commit and its #identity and #account events', async () => {
    const deps = await memoryDeps()
    const writer = await RepoWriter.open(deps)
    expect(deps.blocks.getRootDetails()?.cid.toString()).toBe(writer.head.cid.toString())
    const rows = deps.outbox.read(0, 10)
    expect(rows.map((r) => r.type)).toEqual(['#identity', '#account', '#commit'])
    expect(rows.map((r) => r.createdAt)).toEqual(Array(3).fill(new Date(T0).toISOString()))
    expect(rows[2]?.rev).toBe(writer.head.rev)
  })

  it('commits a write: the root, the record index and a #commit event in the outbox move together', async () => {
    const deps = await memoryDeps()
    const writer = await RepoWriter.open(deps)
    deps.clock.advance(5_000)
    const write = await post('3abc', 'hello')
    const result = await writer.applyWrites({ writes: [write] })
    if (!result.ok) throw new Error(result.message)
    const commit = result.value.commit
    expect(commit?.cid).toBe(writer.head.cid.toString())
    expect(deps.blocks.getRootDetails()).toMatchObject({ rev: commit?.rev })
    expect(deps.index.get(C, '3abc')).toEqual({
      collection: C,
      rkey: '3abc',
      cid: write.cid,
      rev: commit?.rev,
    })
    expect(result.value.results).toEqual([
      { action: 'create', uri: `at://${OWNER.did}/${C}/3abc`, cid: write.cid },
    ])

    const [event] = deps.outbox.read(3, 10)
    expect(event).toMatchObject({ id: 4, type: '#commit', rev: commit?.rev })
    const body = bodyOf(event)
    expect(body).toMatchObject({ repo: OWNER.did, rev: commit?.rev, since: deps.outbox.read(2, 1)[0]?.rev })
    // Event time comes from the injected clock.
    expect(body.time).toBe(new Date(T0 + 5_000).toISOString())
    // What was stored is a repo @atproto/repo can load and read the record from.
    const loaded = await Repo.load(deps.blocks)
    expect(await loaded.getRecord(C, '3abc')).toMatchObject({ text: 'hello' })
  })

  it('refuses a write against a stale swapCommit and writes nothing', async () => {
    const deps = await memoryDeps()
    const writer = await RepoWriter.open(deps)
    const genesis = writer.head.cid.toString()
    await writer.applyWrites({ writes: [await post('a', 'one')] })
    const stale = await writer.applyWrites({ writes: [await post('b', 'two')], swapCommit: genesis })
    expect(stale).toMatchObject({ ok: false, error: 'InvalidSwap' })
    expect(deps.index.get(C, 'b')).toBeNull()
    expect(deps.outbox.read(0, 10)).toHaveLength(4)
  })

  it('serializes concurrent writes into consecutive commits', async () => {
    const deps = await memoryDeps()
    const writer = await RepoWriter.open(deps)
    const results = await Promise.all(
      ['a', 'b', 'c'].map(async (k) => writer.applyWrites({ writes: [await post(k, k)] })),
    )
    expect(results.every((r) => r.ok)).toBe(true)
    const commits = deps.outbox.read(3, 10)
    expect(commits.map((r) => r.type)).toEqual(['#commit', '#commit', '#commit'])
    // Each commit's `since` is the rev before it: no write saw a stale head.
    const revs = commits.map((r) => r.rev)
    expect(commits.slice(1).map((r) => bodyOf(r).since)).toEqual(revs.slice(0, -1))
  })

  it('loads the head it left when opened again over the same stores', async () => {
    const deps = await memoryDeps()
    const first = await RepoWriter.open(deps)
    await first.applyWrites({ writes: [await post('a', 'one')] })
    const reopened = await RepoWriter.open(deps)
    expect(reopened.head.cid.toString()).toBe(first.head.cid.toString())
    expect(deps.outbox.read(0, 10)).toHaveLength(4) // no second genesis
  })

  it('appends events that need no commit, stamped with the clock', async () => {
    const deps = await memoryDeps()
    const writer = await RepoWriter.open(deps)
    deps.clock.set(T0 + 60_000)
    let ran = false
    await writer.appendEvents(
      (time) => [identityEvent(OWNER.did, 'new.handle.test', time)],
      () => {
        ran = true
      },
    )
    const [row] = deps.outbox.read(3, 10)
    expect(ran).toBe(true)
    expect(row?.type).toBe('#identity')
    expect(bodyOf(row)).toMatchObject({
      handle: 'new.handle.test',
      time: new Date(T0 + 60_000).toISOString(),
    })
  })
})
