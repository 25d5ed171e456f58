import { TID } from '@atproto/common-web'

export type WriteTarget = { baseUrl: string; did: string; token: string }
export type WriteRun = { writes: number; elapsedMs: number; latenciesMs: number[] }

/**
 * Sends `count` `createRecord` calls one after another over Node's fetch (one keep-alive
 * connection), each a short post; any non-200 answer stops the run with its body.
 */
export async function sequentialWrites(target: WriteTarget, count: number): Promise<WriteRun> {
  const latenciesMs: number[] = []
  const started = performance.now()
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify({
      repo: target.did,
      collection: 'app.bsky.feed.post',
      rkey: TID.nextStr(),
      record: {
        $type: 'app.bsky.feed.post',
        text: `profile write ${i}`,
        createdAt: new Date().toISOString(),
      },
    })
    const t0 = performance.now()
    const res = await fetch(`${target.baseUrl}/xrpc/com.atproto.repo.createRecord`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
      body,
    })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`createRecord answered ${res.status}: ${text}`)
    latenciesMs.push(performance.now() - t0)
  }
  return { writes: count, elapsedMs: performance.now() - started, latenciesMs }
}

/** The `q` quantile (0..1) of `values`, nearest rank. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN
}
