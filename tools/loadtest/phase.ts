import { now } from './clock'
import { expectedSeqs } from './delivery-count'
import { DeliveryTracker } from './delivery-tracker'
import { FirehoseSubscriber, type SubscriberClass } from './firehose-subscriber'
import { FrameReader } from './frame-reader'
import { type ServerResources, startMemorySampler } from './memory-sampler'
import { classResults, type SubscriberRecord, type WriteTimes, writeResult } from './phase-analysis'
import type { Progress } from './progress'
import type { PhaseOptions, PhaseResult } from './result-types'
import type { Target } from './target'
import { runWritesOffThread } from './writer-thread'

const CONNECT_BATCH = 50
const POLL_MS = 100
/** After the drain, stalled (and still lagging slow) subscribers are released and get this long. */
const RELEASE_TIMEOUT_MS = 15_000

/** Subscriber classes in connection order: stalled first, then slow, then healthy. */
export function classOf(i: number, o: Pick<PhaseOptions, 'slow' | 'stalled'>): SubscriberClass {
  if (i < o.stalled) return 'stalled'
  if (i < o.stalled + o.slow) return 'slow'
  return 'healthy'
}

/** Opens `subs` a batch at a time; the caller closes them, also when this fails. */
async function connectAll(subs: readonly FirehoseSubscriber[], label: string, progress: Progress) {
  if (subs.length === 0) return
  progress.step(`[${label}] connecting ${subs.length} subscribers`)
  for (let i = 0; i < subs.length; i += CONNECT_BATCH) {
    await Promise.all(subs.slice(i, i + CONNECT_BATCH).map((s) => s.open()))
    progress.update(Math.min(subs.length, i + CONNECT_BATCH), subs.length, 'open')
  }
}

/** Polls until `done()` or `deadline` (`now()` ms); true when done. */
async function waitUntil(done: () => boolean, deadline: number, tick: () => void): Promise<boolean> {
  while (!done()) {
    if (now() >= deadline) return false
    tick()
    await new Promise((r) => setTimeout(r, POLL_MS))
  }
  return true
}

/**
 * After the writes: waits up to `drainTimeoutMs` for the healthy and slow subscribers to
 * hold every acknowledged commit, then releases whoever is still behind (stalled ones,
 * slow ones that could not keep up) and gives them RELEASE_TIMEOUT_MS to catch up.
 */
async function drainAndRelease(
  subs: readonly FirehoseSubscriber[],
  tracker: DeliveryTracker,
  o: PhaseOptions,
  writesEnd: number,
  progress: Progress,
) {
  let drained = true
  const reading = subs.filter((s) => s.cls !== 'stalled')
  if (subs.length > 0) {
    progress.step(`[${o.label}] draining (healthy and slow subscribers, up to ${o.drainTimeoutMs / 1000} s)`)
    const total = tracker.ackedCount * reading.length
    const held = () => reading.reduce((n, s) => n + tracker.progressOf(s), 0)
    drained = await waitUntil(
      () => reading.every((s) => tracker.isDone(s)),
      writesEnd + o.drainTimeoutMs,
      () => progress.update(held(), total, 'frames held'),
    )
  }
  const drainMs = Math.round(now() - writesEnd)
  const releasedAt = new Map<FirehoseSubscriber, number>()
  const lagging = subs.filter((s) => !tracker.isDone(s))
  if (lagging.length > 0) {
    progress.step(`[${o.label}] releasing ${lagging.length} stalled or lagging subscribers`)
    for (const s of lagging) {
      releasedAt.set(s, now())
      s.release()
    }
    await waitUntil(
      () => lagging.every((s) => tracker.isDone(s)),
      now() + RELEASE_TIMEOUT_MS,
      () => progress.update(tracker.minProgress(lagging), tracker.ackedCount, 'slowest released subscriber'),
    )
  }
  return { drained, drainMs, releasedAt }
}

/**
 * One phase against `target`: connect the subscribers (live, no cursor), perform the
 * writes, drain and release (so that the counts of stalled and slow subscribers show
 * whether anything was lost rather than only that they were behind), then count.
 * Always closes its sockets and stops its sampler.
 */
/**
 * Against a local server each subscriber connects from a loopback address of its own
 * (127.0.1.1, 127.0.1.2, …; Linux routes all of 127/8 to lo), as relays each have their own:
 * the PDS caps and budgets firehose sockets per client address.
 */
function sourceAddressOf(target: Target, i: number): string | undefined {
  if (target.serverPgid === null) return undefined
  return `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`
}

export async function runPhase(target: Target, o: PhaseOptions, progress: Progress): Promise<PhaseResult> {
  const sampler = target.serverPgid === null ? null : startMemorySampler(target.serverPgid)
  const cpuStart = process.cpuUsage()
  const reloadsAtStart = target.reloads?.() ?? null
  const connectStart = now()
  const reader = new FrameReader()
  const subs = Array.from(
    { length: o.subscribers },
    (_, i) =>
      new FirehoseSubscriber(
        i,
        classOf(i, o),
        target.firehoseUrl,
        reader,
        o.slowRate,
        sourceAddressOf(target, i),
      ),
  )
  let server: ServerResources | null = null
  try {
    await connectAll(subs, o.label, progress)
    const connectMs = Math.round(now() - connectStart)
    const tracker = new DeliveryTracker(subs)
    const healthy = subs.filter((s) => s.cls === 'healthy')
    const behind = () =>
      healthy.length > 0 ? `, slowest healthy subscriber ${tracker.minProgress(healthy)}` : ''

    progress.step(`[${o.label}] ${o.writes} writes, ${o.concurrency} writer(s)`)
    // The writes' own clock (first request sent → last response read) leaves out starting
    // the writer thread.
    let writesStart: number | null = null
    let lastAck = 0
    const samples = await runWritesOffThread(target, {
      count: o.writes,
      concurrency: o.concurrency,
      label: `loadtest ${o.label}`,
      recordBytes: o.recordBytes,
      onWrite: (s) => {
        if (s.rev !== undefined) tracker.ack(s.rev)
        writesStart = Math.min(writesStart ?? s.startedAt, s.startedAt)
        lastAck = Math.max(lastAck, s.ackedAt)
        const rate = (tracker.ackedCount / Math.max(1, now() - writesStart)) * 1000
        progress.update(tracker.ackedCount, o.writes, `${rate.toFixed(0)} writes/s${behind()}`)
      },
    })
    const firstWrite = writesStart ?? now()
    const writesEnd = now()

    const { drained, drainMs, releasedAt } = await drainAndRelease(subs, tracker, o, writesEnd, progress)
    progress.end()
    const closedByServer = new Set(subs.filter((s) => s.closed !== null))
    await Promise.all(subs.map((s) => s.close()))
    server = sampler?.stop() ?? null

    const records: SubscriberRecord[] = subs.map((s) => ({
      cls: s.cls,
      deliveries: s.deliveries,
      errorFrames: s.errorFrames,
      invalid: s.invalid.length,
      bytes: s.bytes,
      closedByServer: closedByServer.has(s),
      releasedAt: releasedAt.get(s) ?? null,
    }))
    const times = new Map<string, WriteTimes>()
    for (const s of samples) if (s.rev !== undefined) times.set(s.rev, s)
    const seqs = expectedSeqs(subs.map((s) => s.deliveries))
    const expected = { seqs: seqs.seqs, revs: [...times.keys()].sort() }
    const cpu = process.cpuUsage(cpuStart)
    return {
      options: o,
      connectMs,
      writes: writeResult(samples, lastAck - firstWrite),
      delivery:
        subs.length === 0
          ? null
          : {
              unseenSeqsInRange: seqs.unseenInRange,
              drainMs,
              drained,
              classes: classResults(records, expected, times, firstWrite, lastAck - firstWrite),
            },
      server,
      clientCpuSeconds: Math.round((cpu.user + cpu.system) / 10_000) / 100,
      serverReloads: reloadsAtStart === null ? null : (target.reloads?.() ?? 0) - reloadsAtStart,
    }
  } finally {
    if (server === null) sampler?.stop()
    await Promise.all(subs.map((s) => s.close()))
  }
}
