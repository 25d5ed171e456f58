import type { PhaseResult, ScenarioResult, TargetCheck } from './result-types'

/** The targets of issues #7 and #14; measured by the tool, reported, never asserted in tests. */
export const TARGETS = {
  p99RatioWithStalled: 1.2,
  throughputRatioWithStalled: 0.9,
  throughputRatioAt1000: 0.5,
  lagP99Ms: 100,
  /** Growth of the PDS's memory over the 16 KB stress phase, MiB. */
  stressMemoryGrowthMiB: 50,
  /** Sequential createRecord ÷ the sign-and-insert probe, same run. */
  probeRatio: 0.85,
  /** Fan-out CPU per frame per socket in the PDS's workerd, µs. */
  fanoutMicros: 10,
} as const

export const fmt = (v: number, digits = 1) => v.toFixed(digits).replace(/\.0+$/, '')

/** For an "at least" goal: how far below it `measured` is, or null when met. */
export function below(measured: number, goal: number, unit: string): string | null {
  if (measured >= goal) return null
  return `missed by ${fmt(goal - measured)} ${unit} (${fmt((measured / goal) * 100, 0)}% of the target)`
}

/** For an "at most" goal: how far above it `measured` is, or null when met. */
export function above(measured: number, goal: number, unit: string): string | null {
  if (measured <= goal) return null
  return `over by ${fmt(measured - goal, 2)}${unit} (${fmt(measured / goal, 2)}× the target)`
}

export const check = (
  name: string,
  goal: string,
  measured: string,
  shortfall: string | null,
): TargetCheck => ({
  name,
  goal,
  measured,
  met: shortfall === null,
  shortfall,
})

function throughputRatio(s: Omit<ScenarioResult, 'targets'>, goal: number): TargetCheck | null {
  if (!s.baseline) return null
  const loaded = s.loaded.writes.perSecond
  const base = s.baseline.writes.perSecond
  const r = base > 0 ? loaded / base : 0
  return check(
    `Write throughput with ${s.loaded.options.subscribers} subscribers`,
    `≥ ${goal}× the zero-subscriber phase`,
    `${fmt(r, 2)}× (${fmt(loaded)} vs ${fmt(base)} writes/s)`,
    r >= goal ? null : `missed by ${fmt(goal - r, 2)}× (${fmt((r / goal) * 100, 0)}% of the target)`,
  )
}

/** The stress run: what the PDS's memory grew by, and whether every stalled socket was cut off. */
function stressChecks(loaded: PhaseResult, baseline: PhaseResult | null): TargetCheck[] {
  const out: TargetCheck[] = []
  const srv = loaded.server
  if (srv) {
    const growth = srv.peakWorkerdRssMiB - srv.startWorkerdRssMiB
    const goal = TARGETS.stressMemoryGrowthMiB
    out.push(
      check(
        'PDS memory growth in the stress run',
        `≤ ${goal} MiB (workerd RSS, peak − start)`,
        `${fmt(growth)} MiB (${srv.startWorkerdRssMiB} → ${srv.peakWorkerdRssMiB} MiB)${memoryBreakdown(loaded, baseline)}`,
        above(growth, goal, ' MiB'),
      ),
    )
  }
  const stalled = loaded.delivery?.classes.stalled
  if (stalled) {
    const cut = Math.max(stalled.tooSlowDisconnects, stalled.closedByServer)
    out.push(
      check(
        'Stalled consumers are cut off',
        `all ${stalled.subscribers} (ConsumerTooSlow or a close) before they are released`,
        `${stalled.tooSlowDisconnects} ConsumerTooSlow, ${stalled.closedByServer} closed by the server`,
        cut >= stalled.subscribers ? null : `${stalled.subscribers - cut} never cut off`,
      ),
    )
  }
  return out
}

/**
 * Where the stress run's growth sits: the PDS's own workerd apart from wrangler's dev proxy
 * (which buffers what it relays to a reader that does not read), and what the same writes
 * grew both by with no subscribers, just before.
 */
function memoryBreakdown(loaded: PhaseResult, baseline: PhaseResult | null): string {
  const parts: string[] = []
  const srv = loaded.server
  if (srv?.startPdsWorkerdRssMiB !== undefined && srv.peakPdsWorkerdRssMiB !== undefined)
    parts.push(`the PDS's own workerd +${fmt(srv.peakPdsWorkerdRssMiB - srv.startPdsWorkerdRssMiB)} MiB`)
  const base = baseline?.server
  if (base)
    parts.push(
      `the same writes with no subscribers just before +${fmt(base.peakWorkerdRssMiB - base.startWorkerdRssMiB)} MiB`,
    )
  return parts.length > 0 ? `; ${parts.join('; ')}` : ''
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
 * The checks that apply to a scenario: exact delivery wherever there are healthy
 * subscribers; the p99 and throughput ratios at ≥ 100 subscribers with ≥ 10 stalled;
 * healthy lag p99 at 100–999 subscribers; everyone complete and half the throughput at
 * ≥ 1,000 subscribers; memory and cut-offs in a padded-record (stress) run. (The
 * sequential-throughput target is the probe ratio, checked by the bench: platform.ts.)
 */
export function checkTargets(s: Omit<ScenarioResult, 'targets'>): TargetCheck[] {
  const out: TargetCheck[] = []
  const o = s.loaded.options
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
    const t = throughputRatio(s, TARGETS.throughputRatioWithStalled)
    if (t) out.push(t)
  }
  if (o.recordBytes !== undefined) out.push(...stressChecks(s.loaded, s.baseline))
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
    const t = throughputRatio(s, TARGETS.throughputRatioAt1000)
    if (t) out.push(t)
  }
  return out
}
