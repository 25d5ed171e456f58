import type { LeanFigure } from './lean-client'
import type { Report, ScenarioResult, TargetCheck } from './result-types'

/** One row per scenario: the numbers the README table and the HTML summary show. */
export const SUMMARY_COLUMNS = [
  'Scenario',
  'Subscribers (slow / stalled)',
  'Writers',
  'Writes',
  'Writes/s',
  'Write p50 / p99 (ms)',
  'p99 vs 0 subs',
  'Lag after ack p50 / p99 (ms), healthy',
  'Lag after request p50 / p99 (ms), healthy',
  'Lag p50 / p99 (ms), slow',
  'Complete subscribers',
  'Missing / dup / out of order',
  'ConsumerTooSlow',
  'Peak workerd RSS (MiB)',
] as const

const n1 = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(1))

/** The summary cells of a scenario, in SUMMARY_COLUMNS order. */
export function summaryRow(s: ScenarioResult): string[] {
  const p = s.loaded
  const o = p.options
  const classes = Object.values(p.delivery?.classes ?? {})
  const complete = classes.reduce((n, c) => n + c.complete, 0)
  let missing = 0
  let dup = 0
  let ooo = 0
  let tooSlow = 0
  for (const c of classes) {
    // Per subscriber, the worse of the two views (seq, rev); pending counts as missing after release.
    missing += Math.max(
      c.counts.bySeq.missing + c.counts.bySeq.pending,
      c.counts.byRev.missing + c.counts.byRev.pending,
    )
    dup += Math.max(c.counts.bySeq.duplicate, c.counts.byRev.duplicate)
    ooo += Math.max(c.counts.bySeq.outOfOrder, c.counts.byRev.outOfOrder)
    tooSlow += c.tooSlowDisconnects
  }
  const h = p.delivery?.classes.healthy
  const slow = p.delivery?.classes.slow
  const ratio = s.latencyRatio?.p99
  const reloaded = (s.baseline?.serverReloads ?? 0) + (p.serverReloads ?? 0) > 0
  return [
    reloaded ? `${s.name} (INVALID: server reloaded)` : s.name,
    o.subscribers === 0 ? '0' : `${o.subscribers} (${o.slow} / ${o.stalled})`,
    String(o.concurrency),
    String(p.writes.ok),
    n1(p.writes.perSecond),
    `${n1(p.writes.latency.p50)} / ${n1(p.writes.latency.p99)}`,
    ratio === null || ratio === undefined ? '–' : `${ratio.toFixed(2)}×`,
    h ? `${n1(h.lag.p50)} / ${n1(h.lag.p99)}` : '–',
    h ? `${n1(h.lagFromRequest.p50)} / ${n1(h.lagFromRequest.p99)}` : '–',
    slow ? `${n1(slow.lag.p50)} / ${n1(slow.lag.p99)}` : '–',
    o.subscribers === 0 ? '–' : `${complete}/${o.subscribers}`,
    o.subscribers === 0 ? '–' : `${missing} / ${dup} / ${ooo}`,
    o.subscribers === 0 ? '–' : String(tooSlow),
    n1(p.server?.peakWorkerdRssMiB),
  ]
}

const cell = (v: string) => v.replace(/\|/g, '\\|')

const table = (columns: readonly string[], rows: string[][]) => [
  `| ${columns.join(' | ')} |`,
  `| ${columns.map(() => '---').join(' | ')} |`,
  ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
]

const PLATFORM_COLUMNS = [
  'Shape',
  'Clients',
  'Requests/s (median of 3)',
  'Runs',
  'p50 / p99 (ms)',
  'Server CPU per request (ms)',
  'vs sign + insert',
]

function platformRows(figures: LeanFigure[], signInsert: number | undefined): string[][] {
  return figures.map((f) => [
    f.name,
    String(f.clients),
    n1(f.perSecond),
    f.runs.map(n1).join(', '),
    `${n1(f.p50)} / ${n1(f.p99)}`,
    f.cpuMsPerRequest === null ? '–' : f.cpuMsPerRequest.toFixed(2),
    signInsert ? `${(f.perSecond / signInsert).toFixed(2)}×` : '–',
  ])
}

const TARGET_COLUMNS = ['Target', 'Goal', 'Measured', 'Result']

function targetRow(t: TargetCheck, scenario?: string): string[] {
  const result = t.met === null ? 'not applicable' : t.met ? 'met' : (t.shortfall ?? 'missed')
  return [scenario ? `${t.name} (${scenario})` : t.name, t.goal, t.measured, result]
}

/**
 * The summary as Markdown (for the README): the scenario table, the platform probe and
 * the lean client's figures, every target met or missed by how much, and the machine line.
 */
export function summaryMarkdown(r: Report): string {
  const out = table(SUMMARY_COLUMNS, r.scenarios.map(summaryRow))
  if (r.platform) {
    const signInsert = r.platform.probes.find((p) => p.name.includes('sign'))?.perSecond
    out.push(
      '',
      ...table(PLATFORM_COLUMNS, platformRows([...r.platform.probes, ...r.platform.pds], signInsert)),
    )
  }
  const targets = [
    ...(r.benchTargets ?? []).map((t) => targetRow(t)),
    ...r.scenarios.flatMap((s) => s.targets.map((t) => targetRow(t, s.name))),
  ]
  if (targets.length > 0) out.push('', ...table(TARGET_COLUMNS, targets))
  const m = r.machine
  const note = `${m.cpus} × ${m.cpuModel}, Node ${m.node}, ${r.server}; load average ${m.loadAverageStart.join(' ')} at start, ${m.loadAverageEnd.join(' ')} at end; ${r.startedAt}, ${r.durationSeconds} s.`
  return [...out, '', note].join('\n')
}
