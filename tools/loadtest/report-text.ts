import type { ClassResult, PhaseResult, Report, ScenarioResult, TargetCheck } from './result-types'

const ms = (v: number | null) => (v === null ? '–' : `${v.toFixed(1)} ms`)
const times = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v.toFixed(2)}×`)

/** One line per subscriber class, for terminals and logs. */
export function classLine(name: string, c: ClassResult): string {
  const { bySeq, byRev } = c.counts
  return [
    `  ${`${name} ×${c.subscribers}`.padEnd(14)}`,
    `lag after ack p50 ${ms(c.lag.p50)}, p99 ${ms(c.lag.p99)} (${c.lag.n > 0 ? Math.round((100 * c.beforeAck) / c.lag.n) : 0}% before ack), after request p50 ${ms(c.lagFromRequest.p50)}, p99 ${ms(c.lagFromRequest.p99)};`,
    `complete ${c.complete}/${c.subscribers};`,
    `by seq: missing ${bySeq.missing}, pending ${bySeq.pending}, dup ${bySeq.duplicate}, out of order ${bySeq.outOfOrder};`,
    `by rev: missing ${byRev.missing}, pending ${byRev.pending}, dup ${byRev.duplicate}, out of order ${byRev.outOfOrder};`,
    `ConsumerTooSlow ${c.tooSlowDisconnects}; closed by server ${c.closedByServer}`,
  ].join(' ')
}

/** "✓ name: measured" or "✗ name: measured (goal) – shortfall". */
export function targetLine(t: TargetCheck): string {
  const mark = t.met === null ? '·' : t.met ? '✓' : '✗'
  return `  ${mark} ${t.name}: ${t.measured} (goal ${t.goal})${t.shortfall ? ` – ${t.shortfall}` : ''}`
}

/** "100 subscribers (10 slow, 10 stalled), 500 writes, 1 writer". */
export function describePhase(p: PhaseResult): string {
  const o = p.options
  const extra = [
    o.slow > 0 ? `${o.slow} slow at ${o.slowRate}/s` : '',
    o.stalled > 0 ? `${o.stalled} stalled` : '',
  ]
    .filter(Boolean)
    .join(', ')
  const writers = o.concurrency === 1 ? '1 writer' : `${o.concurrency} writers`
  return `${o.subscribers} subscribers${extra ? ` (${extra})` : ''}, ${o.writes} writes, ${writers}`
}

function writeLines(s: ScenarioResult): string[] {
  const rows: [string, PhaseResult | null][] = [
    ['baseline', s.baseline],
    [s.baseline ? 'loaded' : 'writes', s.loaded],
  ]
  const out: string[] = []
  for (const [label, p] of rows) {
    if (!p) continue
    const w = p.writes
    out.push(
      `  ${label.padEnd(9)} ${w.perSecond.toFixed(1)} writes/s; latency p50 ${ms(w.latency.p50)}, p95 ${ms(w.latency.p95)}, p99 ${ms(w.latency.p99)}${w.failed > 0 ? `; ${w.failed} failed (${w.firstError})` : ''}`,
    )
  }
  if (s.latencyRatio) {
    const r = s.latencyRatio
    out.push(`  ratio     loaded / baseline: p50 ${times(r.p50)}, p95 ${times(r.p95)}, p99 ${times(r.p99)}`)
  }
  return out
}

/** Warnings about phases whose numbers are not valid: the local server reloaded during them. */
export function reloadWarnings(s: ScenarioResult): string[] {
  return [s.baseline, s.loaded].flatMap((p) =>
    p?.serverReloads
      ? [
          `WARNING: the local server reloaded ${p.serverReloads} time(s) during "${p.options.label}" (a source file changed under wrangler dev); its numbers are not valid.`,
        ]
      : [],
  )
}

/** A scenario as plain text. */
export function scenarioText(s: ScenarioResult): string {
  const lines = [
    `== ${s.name}: ${describePhase(s.loaded)} ==`,
    ...reloadWarnings(s),
    'writes:',
    ...writeLines(s),
  ]
  const d = s.loaded.delivery
  if (d) {
    lines.push(
      `delivery (ack → frame processed; drain ${d.drained ? 'complete' : 'timed out'} after ${d.drainMs} ms; seqs nobody got: ${d.unseenSeqsInRange}):`,
    )
    for (const [name, c] of Object.entries(d.classes)) lines.push(classLine(name, c))
  }
  const srv = s.loaded.server
  if (srv) {
    lines.push(
      `server: workerd RSS ${srv.startWorkerdRssMiB} → peak ${srv.peakWorkerdRssMiB} MiB (the PDS's own ${srv.startPdsWorkerdRssMiB ?? '–'} → ${srv.peakPdsWorkerdRssMiB ?? '–'}; whole group ${srv.peakGroupRssMiB} MiB); workerd CPU ${srv.workerdCpuSeconds} s; tool CPU ${s.loaded.clientCpuSeconds} s`,
    )
  }
  if (s.targets.length > 0) lines.push('targets:', ...s.targets.map(targetLine))
  return lines.join('\n')
}

/** The whole report as plain text. */
export function reportText(r: Report): string {
  const m = r.machine
  const head = [
    `${r.tool} (${r.kind}), ${r.startedAt}, ${r.durationSeconds} s`,
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}; load average ${m.loadAverageStart.join(' ')} at start, ${m.loadAverageEnd.join(' ')} at end`,
    `server: ${r.server}`,
    `baseline: ${r.baselineMethod}`,
  ]
  return [...head, '', ...r.scenarios.map(scenarioText)].join('\n')
}
