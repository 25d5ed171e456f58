import { TID } from '@atproto/common-web'
import { type Cid, isCid, type LexMap } from '@atproto/lex-data'
import { type BlockMap, readCarWithRoot } from '@atproto/repo'
import { isValidDid, isValidTid } from '@atproto/syntax'
import { type CheckedCommit, readSignedCommit } from '../../helpers/commit-signature'
import { opShapeProblem, type WireOp } from '../../helpers/op-inversion'
import { MAX_BLOCKS_BYTES, MAX_OPS } from './frame'

/** A `#commit` body once its fields have the lexicon's types. */
export type CommitEvent = {
  seq: number
  repo: string
  commit: Cid
  rev: string
  since: string | null
  prevData: Cid | undefined
  blocks: Uint8Array
  ops: WireOp[]
  time: string
}

/** A commit event that passed every check that does not depend on earlier events. */
export type VerifiedCommit = { event: CommitEvent; commit: CheckedCommit; blocks: BlockMap }

/** An event the relay drops (indigo logs and drops it; the stream goes on). */
export class CommitRejectedError extends Error {
  override name = 'CommitRejectedError'
}

/** indigo `VerifyCommitObject`: a rev more than 5 minutes ahead of the relay's clock is refused. */
const MAX_FUTURE_MICROS = 5 * 60 * 1_000_000

function typedEvent(body: LexMap): CommitEvent {
  const { seq, repo, commit, rev, since, prevData, blocks, ops, blobs, rebase, tooBig, time } = body
  const fail = (what: string): never => {
    throw new CommitRejectedError(`#commit seq ${String(seq)}: ${what}`)
  }
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) fail('seq is not a positive integer')
  if (typeof repo !== 'string' || !isValidDid(repo)) fail(`repo ${String(repo)} is not a DID`)
  if (!isCid(commit)) fail('commit is not a CID link')
  if (typeof rev !== 'string' || !isValidTid(rev)) fail(`rev ${String(rev)} is not a TID`)
  if (!('since' in body) || (since !== null && (typeof since !== 'string' || !isValidTid(since)))) {
    fail('since is missing or not a TID/null')
  }
  if (prevData !== undefined && !isCid(prevData)) fail('prevData is not a CID link')
  if (!(blocks instanceof Uint8Array) || blocks.byteLength === 0) fail('blocks empty or not bytes')
  if ((blocks as Uint8Array).byteLength > MAX_BLOCKS_BYTES) fail(`blocks over ${MAX_BLOCKS_BYTES} bytes`)
  if (!Array.isArray(ops) || ops.length > MAX_OPS) fail(`ops missing or over ${MAX_OPS}`)
  if (!Array.isArray(blobs) || blobs.length > 0) fail('blobs is not []')
  if (rebase !== false || tooBig !== false) fail('rebase/tooBig is not false')
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) fail(`time ${String(time)} does not parse`)
  return body as unknown as CommitEvent
}

/**
 * The checks indigo's relay applies to every `#commit` before looking at its own state
 * (`VerifyRepoCommit`, strict mode): field types and limits, the CAR parses with the
 * commit as its root and every block hashing to its CID, a v3 commit whose compact low-S
 * signature verifies against `didKey`, `repo`/`rev` equal to the commit's, a rev at most
 * 5 minutes ahead, well-formed ops whose record blocks are in the slice.
 */
export async function verifyCommitEvent(
  body: LexMap,
  did: string,
  didKey: string,
  nowMs: number,
): Promise<VerifiedCommit> {
  const event = typedEvent(body)
  const fail = (what: string): never => {
    throw new CommitRejectedError(`#commit seq ${event.seq} rev ${event.rev}: ${what}`)
  }
  if (event.repo !== did) fail(`repo ${event.repo} is not ${did}`)
  const { root, blocks } = await readCarWithRoot(event.blocks).catch((e: Error) => fail(`CAR: ${e.message}`))
  if (!root.equals(event.commit)) fail(`CAR root ${root} is not the commit ${event.commit}`)
  const commit = await readSignedCommit(blocks, root, didKey).catch((e: Error) => fail(e.message))
  if (commit.version !== 3) fail(`commit version ${commit.version}`)
  if (commit.did !== event.repo) fail(`commit did ${commit.did} is not repo ${event.repo}`)
  if (commit.rev !== event.rev) fail(`commit rev ${commit.rev} is not the event rev`)
  if (TID.fromStr(event.rev).timestamp() > nowMs * 1000 + MAX_FUTURE_MICROS) fail('rev > 5 min in the future')
  for (const op of event.ops) {
    const problem = opShapeProblem(op)
    if (problem) fail(problem)
    if (op.cid && !blocks.has(op.cid)) fail(`record block of ${op.path} missing from the slice`)
  }
  return { event, commit, blocks }
}
