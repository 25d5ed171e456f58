/**
 * Per-socket state, kept in the WebSocket attachment so it survives hibernation.
 *
 * Phases: `backfill` (replaying from a cursor, may be far behind) → `live`
 * (caught up with the head it knew of). `sentSeq` is the last seq sent on the
 * socket; the next frame sent is always the first stored one above it, so
 * replay and live streaming share one path and the cutover has no gap or
 * duplicate.
 */
export type SubscriptionState = { v: 1; sentSeq: number; phase: 'backfill' | 'live' }

export function initialState(cursor: number | null, head: number): SubscriptionState {
  return cursor === null
    ? { v: 1, sentSeq: head, phase: 'live' }
    : { v: 1, sentSeq: cursor, phase: 'backfill' }
}

/** Reads an attachment written by this or an older version; unknown shapes are null. */
export function parseState(raw: unknown): SubscriptionState | null {
  if (typeof raw !== 'object' || raw === null) return null
  const s = raw as Partial<SubscriptionState>
  if (s.v !== 1 || typeof s.sentSeq !== 'number') return null
  return { v: 1, sentSeq: s.sentSeq, phase: s.phase === 'live' ? 'live' : 'backfill' }
}

/** Parses the `cursor` query parameter: absent → null; otherwise a non-negative safe integer. */
export function parseCursor(raw: string | null): { ok: true; cursor: number | null } | { ok: false } {
  if (raw === null || raw === '') return { ok: true, cursor: null }
  if (!/^\d+$/.test(raw)) return { ok: false }
  const cursor = Number(raw)
  return Number.isSafeInteger(cursor) ? { ok: true, cursor } : { ok: false }
}
