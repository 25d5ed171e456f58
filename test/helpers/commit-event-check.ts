import type { Cid } from '@atproto/lex-data'
import { MemoryBlockstore, MST, readCarWithRoot } from '@atproto/repo'
import { invertSlice, opShapeProblem } from './op-inversion'
import type { CommitBody } from './outbox-events'
import { readSignedCommit } from './signed-commit'

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
  const { root, blocks } = await readCarWithRoot(body.blocks)
  if (!root.equals(body.commit)) fail(`CAR root ${root.toString()} is not commit ${String(body.commit)}`)
  const commit = await readSignedCommit(blocks, root, didKey)
  if (commit.did !== did || body.repo !== did) fail(`did ${commit.did} / repo ${body.repo}`)
  if (commit.version !== 3) fail(`version ${commit.version}`)
  if (commit.rev !== body.rev) fail(`commit rev ${commit.rev} differs from event rev`)
  if (commit.prev !== null) fail('v3 commit prev is not null')
  if (body.rebase !== false || body.tooBig !== false) fail('rebase/tooBig set')
  if (!Array.isArray(body.blobs) || body.blobs.length !== 0) fail('blobs is not []')
  if (Number.isNaN(Date.parse(body.time))) fail(`time ${body.time}`)
  if (!('since' in body)) fail('since key missing')
  if (!Array.isArray(body.ops) || body.ops.length > 200) fail('ops missing or over 200')

  if (prev === null) {
    if (body.since !== null) fail(`first commit has since ${body.since}`)
    if ('prevData' in body) fail('first commit has prevData')
  } else {
    if (body.since !== prev.rev) fail(`since ${body.since}, previous rev ${prev.rev}`)
    if (!body.prevData?.equals(prev.data))
      fail(`prevData ${String(body.prevData)}, previous data ${prev.data}`)
    if (body.rev <= prev.rev) fail(`rev does not increase past ${prev.rev}`)
  }

  for (const op of body.ops) {
    const problem = opShapeProblem(op)
    if (problem) fail(problem)
    if (op.cid && !blocks.has(op.cid)) fail(`record block ${op.cid.toString()} of ${op.path} not in slice`)
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
