/**
 * Counts what one firehose subscriber got against what it should have got, two ways:
 * by `seq` (every event the host sequenced during the phase) and by commit `rev` (every
 * write the writer saw acknowledged). Pure: no Node or runtime imports, so the workerd
 * test pool runs its unit tests.
 *
 * Terms, for one subscriber's stream in arrival order:
 * - duplicate: a seq (or rev) that already arrived earlier on this stream;
 * - out of order: a seq (or rev) lower than one that arrived before it (duplicates excluded);
 * - missing: an expected seq (or rev) it never got that is below the highest it got, a hole;
 * - pending: an expected seq (or rev) above the highest it got, not delivered *yet* (a slow
 *   or stalled subscriber's tail; for a healthy one after the drain it is a failure too);
 * - foreign: a commit whose rev the writer never saw acknowledged (another writer, or a
 *   write whose response was lost).
 */

/** One message frame as a subscriber saw it. `rev` only on `#commit` (and `#sync`) bodies. */
export type SeenEvent = { seq: number; type: string; rev?: string | undefined }

/** What the subscriber should have seen: seqs ascending, revs ascending (TIDs sort as strings). */
export type Expected = { seqs: readonly number[]; revs: readonly string[] }

/** The counts for one ordering key (seq or rev). */
export type KeyCount = {
  distinct: number
  missing: number
  pending: number
  duplicate: number
  outOfOrder: number
}

/** The counts for one subscriber. */
export type DeliveryCount = {
  /** Message frames received, duplicates included. */
  delivered: number
  bySeq: KeyCount
  /** Over `#commit` frames only. */
  byRev: KeyCount & { foreign: number }
}

/** True when the stream holds every expected event exactly once and in order. */
export const isComplete = (c: DeliveryCount): boolean =>
  c.bySeq.missing + c.bySeq.pending + c.bySeq.duplicate + c.bySeq.outOfOrder === 0 &&
  c.byRev.missing + c.byRev.pending + c.byRev.duplicate + c.byRev.outOfOrder === 0

/** Duplicates and reorderings of `keys` (arrival order); `less` compares two keys. */
function scan<K>(keys: readonly K[], less: (a: K, b: K) => boolean) {
  const seen = new Set<K>()
  let duplicate = 0
  let outOfOrder = 0
  let highest: K | undefined
  for (const key of keys) {
    if (seen.has(key)) {
      duplicate += 1
      continue
    }
    seen.add(key)
    if (highest !== undefined && less(key, highest)) outOfOrder += 1
    else highest = key
  }
  return { seen, duplicate, outOfOrder, highest }
}

/** Expected keys not seen, split into holes below the highest seen key and the tail above it. */
function absent<K>(
  expected: readonly K[],
  seen: Set<K>,
  highest: K | undefined,
  less: (a: K, b: K) => boolean,
) {
  let missing = 0
  let pending = 0
  for (const key of expected) {
    if (seen.has(key)) continue
    if (highest !== undefined && less(key, highest)) missing += 1
    else pending += 1
  }
  return { missing, pending }
}

const lessNumber = (a: number, b: number) => a < b
const lessString = (a: string, b: string) => a < b

/** Counts one subscriber's stream (`seen`, in arrival order) against `expected`. */
export function countDelivery(seen: readonly SeenEvent[], expected: Expected): DeliveryCount {
  const seqScan = scan(
    seen.map((e) => e.seq),
    lessNumber,
  )
  const expectedRevs = new Set(expected.revs)
  const revs: string[] = []
  let foreign = 0
  for (const e of seen) {
    if (e.type !== '#commit' || e.rev === undefined) continue
    if (expectedRevs.has(e.rev)) revs.push(e.rev)
    else foreign += 1
  }
  const revScan = scan(revs, lessString)
  return {
    delivered: seen.length,
    bySeq: {
      distinct: seqScan.seen.size,
      duplicate: seqScan.duplicate,
      outOfOrder: seqScan.outOfOrder,
      ...absent(expected.seqs, seqScan.seen, seqScan.highest, lessNumber),
    },
    byRev: {
      distinct: revScan.seen.size,
      duplicate: revScan.duplicate,
      outOfOrder: revScan.outOfOrder,
      ...absent(expected.revs, revScan.seen, revScan.highest, lessString),
      foreign,
    },
  }
}

/**
 * The seqs a phase's subscribers should all have seen: the union of what any of them got.
 * Also returns the seqs inside the union's range that nobody got; sequence numbers may
 * have gaps (spec:event-stream), but this PDS assigns them one by one, so a gap there
 * means an event lost before fan-out, which the rev count then shows too.
 */
export function expectedSeqs(streams: readonly (readonly SeenEvent[])[]): {
  seqs: number[]
  unseenInRange: number
} {
  const union = new Set<number>()
  for (const stream of streams) for (const e of stream) union.add(e.seq)
  const seqs = [...union].sort((a, b) => a - b)
  const first = seqs[0]
  const last = seqs.at(-1)
  const unseenInRange = first === undefined || last === undefined ? 0 : last - first + 1 - seqs.length
  return { seqs, unseenInRange }
}

/** Adds up counts (per subscriber class). */
export function sumCounts(counts: readonly DeliveryCount[]): DeliveryCount {
  const key = (): KeyCount => ({ distinct: 0, missing: 0, pending: 0, duplicate: 0, outOfOrder: 0 })
  const total: DeliveryCount = { delivered: 0, bySeq: key(), byRev: { ...key(), foreign: 0 } }
  for (const c of counts) {
    total.delivered += c.delivered
    for (const k of ['distinct', 'missing', 'pending', 'duplicate', 'outOfOrder'] as const) {
      total.bySeq[k] += c.bySeq[k]
      total.byRev[k] += c.byRev[k]
    }
    total.byRev.foreign += c.byRev.foreign
  }
  return total
}
