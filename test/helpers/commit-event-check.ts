import type { Cid, LexMap } from '@atproto/lex-data'
import { MemoryBlockstore, MST } from '@atproto/repo'
import { verifyCommitEvent } from '../e2e/relay/commit-event'
import { invertSlice } from './op-inversion'
import type { CommitBody } from './outbox-events'

/** What a consumer remembers of a repo between events. */
export type SyncState = { rev: string; data: Cid }

/**
 * Checks one `#commit` body as a strict sync v1.1 consumer (indigo `cmd/tap`) does,
 * against the state left by the previous commit (null for the first one), and
 * returns the new state. Throws with the first problem found.
 */
export async function checkCommitEvent(
  body: CommitBody,
  prev: SyncState | null,
  did: string,
  didKey: string,
): Promise<SyncState> {
  const fail = (msg: string): never => {
    throw new Error(`#commit ${String(body.rev)}: ${msg}`)
  }
  // The per-event checks are the strict relay's (test/e2e/relay/commit-event.ts). An outbox
  // body has no seq yet: it is checked as if sequenced.
  const sequenced = 'seq' in body ? body : { ...body, seq: 1 }
  const { commit, blocks } = await verifyCommitEvent(sequenced as unknown as LexMap, did, didKey, Date.now())
  if (commit.prev !== null) fail('v3 commit prev is not null')

  if (prev === null) {
    if (body.since !== null) fail(`first commit has since ${body.since}`)
    if ('prevData' in body) fail('first commit has prevData')
  } else {
    if (body.since !== prev.rev) fail(`since ${body.since}, previous rev ${prev.rev}`)
    if (!body.prevData?.equals(prev.data))
      fail(`prevData ${String(body.prevData)}, previous data ${prev.data}`)
    if (body.rev <= prev.rev) fail(`rev does not increase past ${prev.rev}`)
  }

  if (prev !== null) {
    const restored = await invertSlice(blocks, commit.data, body.ops)
    if (!restored.equals(prev.data)) fail(`inverted ops give ${restored}, prevData is ${prev.data}`)
  } else {
    // Nothing to invert: the whole (genesis) tree must still be readable from the slice.
    await MST.load(new MemoryBlockstore(blocks), commit.data).allCids()
  }
  return { rev: commit.rev, data: commit.data }
}
