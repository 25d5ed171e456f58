import type { PhaseResult, ScenarioResult, TargetCheck } from './result-types'

/** The targets of issue #7; measured by the tool, reported, never asserted in tests. */
export const TARGETS = {
  sequentialWritesPerSecond: 300,
  p99RatioWithStalled: 1.2,
  lagP99Ms: 100,
} as const

const fmt = (v: number, digits = 1) => v.toFixed(digits).replace(/\.0+$/, '')

/** For an "at least" goal: how far below it `measured` is, or null when met. */
function below(measured: number, goal: number, unit: string): string | null {
  if (measured >= goal) return null
  return `missed by ${fmt(goal - measured)} ${unit} (${fmt((measured / goal) * 100, 0)}% of the target)`
}

/** For an "at most" goal: how far above it `measured` is, or null when met. */
function above(measured: number, goal: number, unit: string): string | null {
  if (measured <= goal) return null
  return `over by ${fmt(measured - goal, 2)}${unit} (${fmt(measured / goal, 2)}× the target)`
}

const check = (name: string, goal: string, measured: string, shortfall: string | null): TargetCheck => ({
  name,
  goal,
  measured,
  met: shortfall === null,
  shortfall,
})

function throughput(zeroSubs: PhaseResult): TargetCheck {
  const rate = zeroSubs.writes.perSecond
  const goal = TARGETS.sequentialWritesPerSecond
  return check(
    'Sequential write throughput',
    `≥ ${goal} createRecord/s through XRPC, one writer`,
    `${fmt(rate)} writes/s (zero subscribers)`,
    below(rate, goal, 'writes/s'),
  )
}

function healthyExact(loaded: PhaseResult): TargetCheck | null {
  const h = loaded.delivery?.classes.healthy
  if (!h) return null
  const { bySeq, byRev } = h.counts
  const bad = bySeq.missing + bySeq.pending + bySeq.duplicate + bySeq.outOfOrder
  const badRev = byRev.missing + byRev.pending + byRev.duplicate + byRev.outOfOrder
  return check(
    'Healthy subscribers get every event once, in order',
    '0 missing, duplicated or out of order (by seq and by rev)',
    `${h.complete}/${h.subscribers} complete; by seq ${bad}, by rev ${badRev} anomalies`,
    bad + badRev === 0 && h.complete === h.subscribers
      ? null
      : `${h.subscribers - h.complete} subscriber(s) incomplete`,
  )
}

/**
 * The checks that apply to a scenario: throughput on a one-writer zero-subscriber phase;
 * exact delivery wherever there are healthy subscribers; the p99 ratio at ≥ 100
 * subscribers with ≥ 10 stalled; healthy lag p99 at 100–999 subscribers; everyone
 * complete at ≥ 1,000 subscribers.
 */
export function checkTargets(s: Omit<ScenarioResult, 'targets'>): TargetCheck[] {
  const out: TargetCheck[] = []
  const o = s.loaded.options
  const zeroSubs = o.subscribers === 0 ? s.loaded : s.baseline
  if (zeroSubs && zeroSubs.options.concurrency === 1) out.push(throughput(zeroSubs))
  const exact = healthyExact(s.loaded)
  if (exact) out.push(exact)
  const p99Ratio = s.latencyRatio?.p99 ?? null
  if (o.subscribers >= 100 && o.stalled >= 10 && p99Ratio !== null) {
    const goal = TARGETS.p99RatioWithStalled
    out.push(
      check(
        'Write p99 with stalled subscribers',
        `≤ ${goal}× the zero-subscriber p99`,
        `${fmt(p99Ratio, 2)}× (${s.loaded.writes.latency.p99} ms vs ${s.baseline?.writes.latency.p99} ms)`,
        above(p99Ratio, goal, ''),
      ),
    )
  }
  const healthy = s.loaded.delivery?.classes.healthy
  const lag = healthy?.lag.p99 ?? null
  if (o.subscribers >= 100 && o.subscribers < 1000 && lag !== null) {
    const goal = TARGETS.lagP99Ms
    out.push(
      check(
        `Delivery lag p99 at ${o.subscribers} subscribers`,
        `< ${goal} ms (healthy subscribers)`,
        `${fmt(lag)} ms after the ack (${fmt(healthy?.lagFromRequest.p99 ?? 0)} ms after the request)`,
        lag < goal ? null : above(lag, goal, ' ms'),
      ),
    )
  }
  if (o.subscribers >= 1000 && s.loaded.delivery) {
    const classes = Object.entries(s.loaded.delivery.classes)
    const complete = classes.reduce((n, [, c]) => n + c.complete, 0)
    const detail = classes.map(([name, c]) => `${name} ${c.complete}/${c.subscribers}`).join(', ')
    out.push(
      check(
        `${o.subscribers} concurrent subscribers each get every event`,
        'every subscriber complete (slow and stalled ones after release)',
        `${complete}/${o.subscribers} (${detail})`,
        complete === o.subscribers ? null : `${o.subscribers - complete} subscriber(s) incomplete`,
      ),
    )
  }
  return out
}
