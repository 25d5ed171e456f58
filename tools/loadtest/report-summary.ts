import type { Report, ScenarioResult } from './result-types'

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

/** The summary as a Markdown table (for the README), with the machine line under it. */
export function summaryMarkdown(r: Report): string {
  const head = `| ${SUMMARY_COLUMNS.join(' | ')} |`
  const rule = `| ${SUMMARY_COLUMNS.map(() => '---').join(' | ')} |`
  const rows = r.scenarios.map((s) => `| ${summaryRow(s).map(cell).join(' | ')} |`)
  const m = r.machine
  const note = `${m.cpus} × ${m.cpuModel}, Node ${m.node}, ${r.server}; load average ${m.loadAverageStart.join(' ')} at start, ${m.loadAverageEnd.join(' ')} at end; ${r.startedAt}, ${r.durationSeconds} s.`
  return [head, rule, ...rows, '', note].join('\n')
}
