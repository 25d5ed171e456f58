import { now } from './clock'
import type { Target } from './target'

/** One `createRecord` call. Times are `now()` (epoch milliseconds). */
export type WriteSample = {
  startedAt: number
  /** When the response was read: the acknowledgement the delivery lag counts from. */
  ackedAt: number
  latencyMs: number
  /** The commit rev the PDS returned; undefined when the write failed. */
  rev?: string
  error?: string
}

export type WriteOptions = {
  count: number
  concurrency: number
  /** Put in the record text, to tell runs apart in the repo. */
  label: string
  /** Pad each record to about this many bytes (see PADDED_COLLECTION); a short post without. */
  recordBytes?: number
  /** Called after every write (for progress). */
  onWrite?: (sample: WriteSample) => void
}

const COLLECTION = 'app.bsky.feed.post'
/**
 * Large records go to a collection without a lexicon (stored as `unknown`, as any PDS
 * does), since a post's text is capped far below 16 KB.
 */
export const PADDED_COLLECTION = 'dev.edgepds.bench.padded'
const REQUEST_TIMEOUT_MS = 30_000
/** A run whose writes all fail (wrong token, server gone) stops instead of timing out M times. */
const MAX_CONSECUTIVE_FAILURES = 10

/** What the writer needs of the target: plain data, so it can be sent to a worker thread. */
export type WriteTarget = Pick<Target, 'baseUrl' | 'did' | 'token'>

/** The record of one write: a short post, or a padded record of about `bytes`. */
function recordOf(text: string, bytes: number | undefined): { collection: string; record: object } {
  const createdAt = new Date().toISOString()
  if (bytes === undefined) return { collection: COLLECTION, record: { $type: COLLECTION, text, createdAt } }
  // Varied text, so that no layer can get away with compressing it.
  let padding = ''
  while (padding.length < bytes) padding += Math.random().toString(36).slice(2)
  return {
    collection: PADDED_COLLECTION,
    record: { $type: PADDED_COLLECTION, text, createdAt, padding: padding.slice(0, bytes) },
  }
}

async function createRecord(
  target: WriteTarget,
  text: string,
  bytes: number | undefined,
): Promise<{ rev?: string; error?: string }> {
  const { collection, record } = recordOf(text, bytes)
  const res = await fetch(`${target.baseUrl}/xrpc/com.atproto.repo.createRecord`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ repo: target.did, collection, record }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  })
  const body = (await res.json().catch(() => ({}))) as { commit?: { rev?: unknown }; error?: unknown }
  if (!res.ok) return { error: `HTTP ${res.status} ${String(body.error ?? '')}`.trim() }
  const rev = body.commit?.rev
  return typeof rev === 'string' ? { rev } : { error: 'no commit rev in the response' }
}

/**
 * `count` owner writes through XRPC `createRecord`, from `concurrency` loops that each
 * take the next write as soon as their previous one is answered. Returns every attempt.
 * Stops early after MAX_CONSECUTIVE_FAILURES failures in a row.
 */
export async function runWrites(target: WriteTarget, opts: WriteOptions): Promise<WriteSample[]> {
  const samples: WriteSample[] = []
  let next = 0
  let failuresInRow = 0
  const loop = async () => {
    while (next < opts.count && failuresInRow < MAX_CONSECUTIVE_FAILURES) {
      const i = next++
      const startedAt = now()
      let outcome: { rev?: string; error?: string }
      try {
        outcome = await createRecord(target, `${opts.label} #${i}`, opts.recordBytes)
      } catch (e) {
        outcome = { error: (e as Error).message }
      }
      const ackedAt = now()
      failuresInRow = outcome.error === undefined ? 0 : failuresInRow + 1
      const sample: WriteSample = { startedAt, ackedAt, latencyMs: ackedAt - startedAt, ...outcome }
      samples.push(sample)
      opts.onWrite?.(sample)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, loop))
  return samples
}
