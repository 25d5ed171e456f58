import { TID } from '@atproto/common-web'
import type { Keypair } from '@atproto/crypto'
import { encode } from '@atproto/lex-cbor'
import { cidForCbor } from '@atproto/lex-data'
import { BlockMap, CidSet, type CommitData, signCommit } from '@atproto/repo'
import type { RepoHead } from './commit-builder'
import { type OutboxEvent, syncEvent } from './firehose-events'

export type Resigned = { commit: CommitData; head: RepoHead; event: OutboxEvent }

/**
 * A new commit over the same data with the next rev, signed with `keypair`, and the
 * `#sync` event that announces it. Used when the repo state cannot be sent as a
 * diff: after activation, or after the signing key changed (old signatures no
 * longer verify against the DID document).
 */
export async function resignHead(head: RepoHead, keypair: Keypair, time: string): Promise<Resigned> {
  const rev = TID.nextStr(head.rev)
  const signed = await signCommit({ did: head.did, version: 3, rev, prev: null, data: head.dataCid }, keypair)
  const bytes = encode(signed)
  const cid = await cidForCbor(bytes)
  const newBlocks = new BlockMap().set(cid, bytes)
  const commit: CommitData = {
    cid,
    rev,
    since: head.rev,
    prev: head.cid,
    newBlocks,
    relevantBlocks: newBlocks,
    removedCids: new CidSet([head.cid]),
  }
  return { commit, head: { ...head, cid, rev }, event: await syncEvent(head.did, cid, bytes, rev, time) }
}
