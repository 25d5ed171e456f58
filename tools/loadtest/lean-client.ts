import { performance } from 'node:perf_hooks'
import { Client } from 'undici'
import { groupCpuTicks, TICKS_PER_SECOND } from './memory-sampler'
import { summarize } from './stats'

/** One request shape the lean client repeats; `body` is called once per request. */
export type LeanRequest = {
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: () => string
}

export type LeanOptions = {
  /** Unmeasured requests before the first run. */
  warmup: number
  runs: number
  /** Requests per run, all clients together. */
  count: number
  /** Clients, one keep-alive connection each, each sending its next request once answered. */
  clients: number
  /** The server's process group, to read its CPU time per request from /proc; null for none. */
  pgid: number | null
}

/** What the lean client measured for one shape: the median run, and every run. */
export type LeanFigure = {
  name: string
  clients: number
  /** Requests per second of the median run (by rate). */
  perSecond: number
  runs: number[]
  /** Latency of the median run, ms. */
  p50: number | null
  p99: number | null
  /** CPU ms per request of the server's whole process group (wrangler, both workerd) in the median run. */
  cpuMsPerRequest: number | null
}

const TIMEOUT_MS = 30_000

async function send(client: Client, r: LeanRequest): Promise<void> {
  const res = await client.request({
    method: r.method,
    path: r.path,
    headers: r.headers,
    body: r.body?.(),
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  })
  const text = await res.body.text()
  if (res.statusCode >= 300)
    throw new Error(`${r.method} ${r.path}: HTTP ${res.statusCode} ${text.slice(0, 200)}`)
}

async function run(clients: Client[], r: LeanRequest, count: number): Promise<number[]> {
  const latencies: number[] = []
  let next = 0
  await Promise.all(
    clients.map(async (client) => {
      while (next < count) {
        next++
        const t = performance.now()
        await send(client, r)
        latencies.push(performance.now() - t)
      }
    }),
  )
  return latencies
}

/**
 * The lean client of issue #14: undici, one keep-alive connection per client, each
 * request sent when the previous one was answered; `warmup` unmeasured requests, then
 * `runs` runs of `count`, reported by the median run. Nothing else runs meanwhile, so
 * the figure is what the server sustains, not what a heavier client can drive.
 */
export async function measureLean(
  name: string,
  origin: string,
  r: LeanRequest,
  o: LeanOptions,
): Promise<LeanFigure> {
  const clients = Array.from({ length: o.clients }, () => new Client(origin, { pipelining: 1 }))
  try {
    await run(clients, r, o.warmup)
    const results: { perSecond: number; latencies: number[]; cpuMs: number | null }[] = []
    for (let i = 0; i < o.runs; i++) {
      const ticks0 = o.pgid === null ? null : groupCpuTicks(o.pgid)
      const t0 = performance.now()
      const latencies = await run(clients, r, o.count)
      const seconds = (performance.now() - t0) / 1000
      const cpuMs =
        ticks0 === null || o.pgid === null
          ? null
          : ((groupCpuTicks(o.pgid) - ticks0) / TICKS_PER_SECOND / o.count) * 1000
      results.push({ perSecond: o.count / seconds, latencies, cpuMs })
    }
    const byRate = [...results].sort((a, b) => a.perSecond - b.perSecond)
    const median = byRate[Math.floor(byRate.length / 2)]
    if (!median) throw new Error('no runs')
    const s = summarize(median.latencies)
    return {
      name,
      clients: o.clients,
      perSecond: round(median.perSecond),
      runs: results.map((x) => round(x.perSecond)),
      p50: s.p50,
      p99: s.p99,
      cpuMsPerRequest: median.cpuMs === null ? null : round(median.cpuMs, 2),
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()))
  }
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits
