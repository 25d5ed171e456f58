import { readCarWithRoot } from '@atproto/repo'
import { OWNER } from './client'
import { checkCommitEvent, type SyncState } from './commit-event-check'
import type { Frame } from './firehose-client'
import type { CommitBody } from './outbox-events'
import { ownerDidKey, readSignedCommit } from './signed-commit'

/**
 * Checks a stream as a strict relay would: binary `op: 1` frames, `seq` strictly
 * increasing, and every `#commit` verified and chained to the one before it
 * (signature with low-S, since/prevData, op shapes, MST inversion); a `#sync`
 * resets the chain to its signed commit.
 * `chainFrom` is the sync state before the first commit in `frames` (null when the
 * stream starts at the genesis commit). Returns the number of commits checked.
 */
export async function checkStream(frames: Frame[], chainFrom: SyncState | null = null): Promise<number> {
  const didKey = await ownerDidKey()
  let lastSeq = 0
  let state = chainFrom
  let commits = 0
  for (const f of frames) {
    if (f.header.op !== 1) throw new Error(`unexpected frame op ${String(f.header.op)}`)
    const seq = f.body.seq
    if (typeof seq !== 'number' || seq <= lastSeq) throw new Error(`seq ${String(seq)} after ${lastSeq}`)
    lastSeq = seq
    if (f.header.t === '#sync') {
      // A relay takes the synced commit as its new chain state.
      const { root, blocks } = await readCarWithRoot(f.body.blocks as Uint8Array)
      const commit = await readSignedCommit(blocks, root, didKey)
      if (commit.rev !== f.body.rev) throw new Error(`#sync rev ${String(f.body.rev)} is not its commit's`)
      state = { rev: commit.rev, data: commit.data }
      continue
    }
    if (f.header.t !== '#commit') continue
    state = await checkCommitEvent(f.body as unknown as CommitBody, state, OWNER.did, didKey)
    commits += 1
  }
  return commits
}

/** The seqs of `frames`, for gap and duplicate checks. */
export const seqs = (frames: Frame[]): number[] => frames.map((f) => Number(f.body.seq))
