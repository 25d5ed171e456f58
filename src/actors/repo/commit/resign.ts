import { TID } from '@atproto/common-web'
import type { Keypair } from '@atproto/crypto'
import { encode } from '@atproto/lex-cbor'
import { cidForCbor } from '@atproto/lex-data'
import { BlockMap, blocksToCarFile, CidSet, type CommitData, signCommit } from '@atproto/repo'
import type { RepoHead } from './commit-builder'
import type { OutboxEvent } from './firehose-events'

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
  // `#sync` carries only the commit block: consumers fetch the rest with getRepo if they need it.
  const blocks = await blocksToCarFile(cid, newBlocks)
  return {
    commit,
    head: { ...head, cid, rev },
    event: { type: '#sync', rev, body: encode({ did: head.did, blocks, rev, time }) },
  }
}
