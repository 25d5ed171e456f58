import { encode } from '@atproto/lex-cbor'
import type { Cid, LexMap } from '@atproto/lex-data'
import { BlockMap } from '@atproto/repo'
import type { EventType } from '../../../shared/event-frame'
import { carBytes } from './car-bytes'
import type { CommitOp, RepoHead } from './commit-builder'

/** Limits relays enforce on `#commit` (spec:sync); writes that would break them are refused. */
export const MAX_EVENT_BLOCKS_BYTES = 2_000_000
export const MAX_EVENT_OPS = 200

/** The events the repo produces; `#info` is the subscriber shards' own. */
export type RepoEventType = Exclude<EventType, '#info'>

/** An outbox entry: the event type and its body without `seq` (the sequencer assigns it). */
export type OutboxEvent = { type: RepoEventType; rev: string | null; body: Uint8Array }

/** What a `#commit` event is made of. */
export type CommitEventInput = {
  did: string
  commitCid: Cid
  rev: string
  ops: CommitOp[]
  /** New blocks plus covering proofs; the CAR slice. */
  blocks: BlockMap
}

/**
 * Every firehose event the repo emits is built here: `#commit`, `#identity`, `#account`
 * and `#sync` (spec:sync). Bodies carry no `seq`: the sequencer assigns it.
 */

/**
 * The `#commit` body of sync v1.1: `since` and `prevData` chain it to the previous
 * commit; `blocks` is a CAR rooted at the new commit holding the new blocks and the
 * covering proofs, so a consumer can invert the ops back to `prevData`.
 */
export async function commitEvent(
  input: CommitEventInput,
  prev: RepoHead | null,
  time: string,
): Promise<OutboxEvent> {
  const blocks = carBytes(input.commitCid, input.blocks)
  const body: LexMap = {
    repo: input.did,
    commit: input.commitCid,
    rev: input.rev,
    since: prev ? prev.rev : null,
    blocks,
    ops: input.ops as unknown as LexMap[],
    blobs: [],
    rebase: false,
    tooBig: false,
    time,
  }
  if (prev) body.prevData = prev.dataCid
  return { type: '#commit', rev: input.rev, body: encode(body) }
}

/** Checks the relay limits before anything is written; returns the reason when broken. */
export function eventLimitProblem(opCount: number, blocksBytes: number): string | null {
  if (opCount > MAX_EVENT_OPS) return `Too many writes. Max: ${MAX_EVENT_OPS}`
  if (blocksBytes > MAX_EVENT_BLOCKS_BYTES) return 'Max event size: 2MB'
  return null
}

export function identityEvent(did: string, handle: string, time: string): OutboxEvent {
  return { type: '#identity', rev: null, body: encode({ did, handle, time }) }
}

export function accountEvent(did: string, active: boolean, time: string, status?: string): OutboxEvent {
  const body = status === undefined ? { did, active, time } : { did, active, status, time }
  return { type: '#account', rev: null, body: encode(body) }
}

/**
 * `#sync`: the repo's current commit, alone in a CAR, for a consumer to resynchronise from
 * (it fetches the rest with getRepo if it needs it).
 */
export async function syncEvent(
  did: string,
  commitCid: Cid,
  commitBytes: Uint8Array,
  rev: string,
  time: string,
): Promise<OutboxEvent> {
  const blocks = carBytes(commitCid, new BlockMap().set(commitCid, commitBytes))
  return { type: '#sync', rev, body: encode({ did, blocks, rev, time }) }
}
