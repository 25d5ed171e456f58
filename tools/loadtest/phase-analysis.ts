import { countDelivery, type Expected, isComplete, sumCounts } from './delivery-count'
import type { Delivery, SubscriberClass } from './firehose-subscriber'
import type { ClassResult, WriteResult } from './result-types'
import { summarize, timeSeries } from './stats'
import type { WriteSample } from './writer'

/** What the analysis needs of one subscriber after a phase. */
export type SubscriberRecord = {
  cls: SubscriberClass
  deliveries: readonly Delivery[]
  errorFrames: readonly string[]
  invalid: number
  bytes: number
  closedByServer: boolean
  /** When the subscriber was told to read at full speed; lag after that is not its class's. */
  releasedAt: number | null
}

/** Lag-over-time buckets: at most 40, and about 10 writes per bucket for small runs. */
const lagBuckets = (writes: number) => Math.max(1, Math.min(40, Math.round(writes / 10)))

/** The writer's numbers: throughput over the whole write phase, latency of successful writes. */
export function writeResult(samples: readonly WriteSample[], durationMs: number): WriteResult {
  const ok = samples.filter((s) => s.rev !== undefined)
  const latencies = ok.map((s) => Math.round(s.latencyMs * 100) / 100)
  return {
    attempted: samples.length,
    ok: ok.length,
    failed: samples.length - ok.length,
    firstError: samples.find((s) => s.error !== undefined)?.error ?? null,
    durationMs: Math.round(durationMs),
    perSecond: durationMs > 0 ? Math.round((ok.length / durationMs) * 100_000) / 100 : 0,
    latency: summarize(latencies),
    latencies,
  }
}

/** When an acknowledged write was sent and when its response was read (`now()` epoch ms). */
export type WriteTimes = { startedAt: number; ackedAt: number }

/**
 * Per-class results of a phase. `writes` maps each acknowledged rev to its times;
 * `writesStart` is the first write's start, the zero of the lag series.
 */
export function classResults(
  subs: readonly SubscriberRecord[],
  expected: Expected,
  writes: ReadonlyMap<string, WriteTimes>,
  writesStart: number,
  writesSpanMs: number,
): Partial<Record<SubscriberClass, ClassResult>> {
  const out: Partial<Record<SubscriberClass, ClassResult>> = {}
  for (const cls of ['healthy', 'slow', 'stalled'] as const) {
    const members = subs.filter((s) => s.cls === cls)
    if (members.length === 0) continue
    const counts = members.map((s) => countDelivery(s.deliveries, expected))
    const lags: number[] = []
    const fromRequest: { t: number; v: number }[] = []
    let beforeAck = 0
    const errorFrames: Record<string, number> = {}
    let tooSlow = 0
    for (const s of members) {
      for (const d of s.deliveries) {
        const w = d.rev === undefined ? undefined : writes.get(d.rev)
        if (w === undefined || (s.releasedAt !== null && d.at >= s.releasedAt)) continue
        if (d.at < w.ackedAt) beforeAck += 1
        lags.push(Math.max(0, d.at - w.ackedAt))
        fromRequest.push({ t: w.startedAt - writesStart, v: d.at - w.startedAt })
      }
      for (const name of s.errorFrames) {
        if (name === 'ConsumerTooSlow') tooSlow += 1
        else errorFrames[name] = (errorFrames[name] ?? 0) + 1
      }
    }
    out[cls] = {
      subscribers: members.length,
      complete: counts.filter(isComplete).length,
      counts: sumCounts(counts),
      lag: summarize(lags),
      lagFromRequest: summarize(fromRequest.map((l) => l.v)),
      beforeAck,
      lagSeries: timeSeries(fromRequest, writesSpanMs, lagBuckets(expected.revs.length)),
      tooSlowDisconnects: tooSlow,
      errorFrames,
      invalidFrames: members.reduce((n, s) => n + s.invalid, 0),
      bytes: members.reduce((n, s) => n + s.bytes, 0),
      closedByServer: members.filter((s) => s.closedByServer).length,
    }
  }
  return out
}
