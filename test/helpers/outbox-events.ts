import { decode } from '@atproto/lex-cbor'
import type { Cid } from '@atproto/lex-data'
import { repoStub } from './actors'
import type { WireOp } from './op-inversion'
import { withOpenedRepo } from './opened-repo'

/** An outbox row with its DAG-CBOR body decoded. */
export type DecodedEvent = { id: number; type: string; rev: string | null; body: Record<string, unknown> }

/** The `#commit` body fields a consumer reads (the body is not trusted to have them). */
export type CommitBody = {
  repo: string
  commit: Cid
  rev: string
  since: string | null
  prevData?: Cid
  blocks: Uint8Array
  ops: WireOp[]
  blobs: unknown[]
  rebase: boolean
  tooBig: boolean
  time: string
}

/** Every outbox row of the repo actor after `afterId`, decoded, in id order. */
export async function readOutboxEvents(afterId = 0): Promise<DecodedEvent[]> {
  const stub = repoStub()
  const events: DecodedEvent[] = []
  let cursor = afterId
  for (;;) {
    const rows = await withOpenedRepo(stub, (r) => r.outbox.read(cursor, 1000))
    for (const row of rows) {
      const body = decode(new Uint8Array(row.body)) as Record<string, unknown>
      events.push({ id: row.id, type: row.type, rev: row.rev, body })
    }
    const last = rows.at(-1)
    if (!last || rows.length < 1000) return events
    cursor = last.id
  }
}

/** The `#commit` events among `events`, bodies typed for reading. */
export function commitBodies(events: DecodedEvent[]): CommitBody[] {
  return events.filter((e) => e.type === '#commit').map((e) => e.body as unknown as CommitBody)
}
