import { expect } from 'vitest'
import type { FirehoseOp, VerifiedFirehose } from '../clients/verified-firehose'
import type { RepoSnapshot } from '../relay/repo-snapshot'
import type { StrictRelay } from '../relay/strict-relay'

/** Sorted `path cid` lines, so a mismatch shows as a readable diff. */
export const recordLines = (records: ReadonlyMap<string, string>): string[] =>
  [...records].map(([path, cid]) => `${path} ${cid}`).sort()

/** Waits until every relay holds `snapshot`'s commit, then checks each one holds exactly that repo. */
export async function expectRelaysHold(relays: StrictRelay[], snapshot: RepoSnapshot): Promise<void> {
  const head = snapshot.commit.toString()
  for (const r of relays) await r.waitUntil(() => r.mirror?.commit?.toString() === head, `commit ${head}`)
  for (const r of relays) {
    expect(r.problems, r.opts.name).toEqual([])
    expect(r.mirror?.rev, r.opts.name).toBe(snapshot.rev)
    expect(r.mirror?.data.toString(), r.opts.name).toBe(snapshot.data.toString())
    expect(recordLines(r.mirror?.records ?? new Map()), r.opts.name).toEqual(recordLines(snapshot.records))
  }
}

/** The events a relay processed, one line each, to compare streams exactly. */
export const seenLines = (r: StrictRelay): string[] =>
  r.seen.map((e) => `${e.seq} ${e.type}${e.commit ? ` ${e.commit}` : ''}`)

/**
 * Waits until `@atproto/sync` delivered every op `reference` verified, then checks it
 * delivered exactly those ops (an op failing its proof would be missing) and no errors.
 */
export async function expectFirehoseMatches(
  firehose: VerifiedFirehose,
  reference: StrictRelay,
): Promise<number> {
  const want = new Map<number, FirehoseOp[]>()
  for (const [seq, ops] of reference.commitOps) {
    if (ops.length > 0)
      want.set(
        seq,
        ops.map((o) => ({ action: o.action, path: o.path, cid: o.cid?.toString() ?? null })),
      )
  }
  const lastWanted = Math.max(0, ...want.keys())
  await reference.waitUntil(
    () => firehose.errors.length > 0 || (firehose.lastSeq ?? 0) >= lastWanted,
    `@atproto/sync reaching seq ${lastWanted}`,
  )
  expect(firehose.errors).toEqual([])
  expect([...firehose.opsBySeq].filter(([seq]) => seq <= lastWanted)).toEqual([...want])
  return [...want.values()].reduce((n, ops) => n + ops.length, 0)
}
