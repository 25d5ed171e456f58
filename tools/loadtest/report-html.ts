import { SUMMARY_COLUMNS, summaryRow } from './report-summary'
import { classLine, describePhase, reloadWarnings } from './report-text'
import type { PhaseResult, Report, ScenarioResult } from './result-types'
import { esc } from './svg-axes'
import { histogramSvg, type LegendItem, type LineSeries, lineChartSvg } from './svg-charts'

const CLASS_COLORS: Record<string, string> = { healthy: '#1a7f37', slow: '#bf8700', stalled: '#cf222e' }
const BASELINE_COLOR = '#8c959f'
const LOADED_COLOR = '#0969da'
/** Lags of 0 (frame before response) cannot sit on a log axis; they are drawn here. */
const LAG_FLOOR_MS = 0.1

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px auto; max-width: 1160px; color: #1f2328; padding: 0 16px; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 36px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: right; vertical-align: top; }
th:first-child, td:first-child, table.text td, table.text th { text-align: left; } th { background: #f6f8fa; }
.met { color: #1a7f37; font-weight: 600; } .missed { color: #cf222e; font-weight: 600; }
.meta { color: #57606a; } .wide { overflow-x: auto; } .charts { display: flex; flex-wrap: wrap; gap: 12px; }
svg.chart { border: 1px solid #d0d7de; background: #fff; font-size: 11px; fill: #1f2328; }
svg.chart .title { font-size: 13px; font-weight: 600; } svg .grid { stroke: #eaeef2; } svg .axis { stroke: #57606a; }
pre { background: #f6f8fa; padding: 8px; overflow-x: auto; font-size: 12px; }
`

const num = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined ? '–' : v.toFixed(digits)
const row = (cells: string[], tag = 'td') => `<tr>${cells.map((c) => `<${tag}>${c}</${tag}>`).join('')}</tr>`
const table = (head: string[], rows: string[][], cls = '') =>
  `<div class="wide"><table${cls ? ` class="${cls}"` : ''}>${row(head.map(esc), 'th')}${rows.map((r) => row(r)).join('')}</table></div>`

function targetsHtml(s: ScenarioResult): string {
  if (s.targets.length === 0) return ''
  const rows = s.targets.map((t) => [
    esc(t.name),
    esc(t.goal),
    esc(t.measured),
    t.met === null ? '–' : t.met ? '<span class="met">met</span>' : `<span class="missed">missed</span>`,
    esc(t.shortfall ?? ''),
  ])
  return `<h3>Targets</h3>${table(['Target', 'Goal', 'Measured', 'Result', 'By how much'], rows, 'text')}`
}

function writesHtml(s: ScenarioResult): string {
  const phases: [string, PhaseResult | null][] = [
    ['Baseline (0 subscribers)', s.baseline],
    [s.baseline ? 'Loaded' : 'Writes (0 subscribers)', s.loaded],
  ]
  const rows = phases
    .filter((p): p is [string, PhaseResult] => p[1] !== null)
    .map(([name, p]) => {
      const w = p.writes
      return [
        esc(name),
        `${w.ok}/${w.attempted}`,
        num(w.perSecond),
        num(w.latency.p50),
        num(w.latency.p95),
        num(w.latency.p99),
        num(w.latency.max),
        esc(w.firstError ?? ''),
      ]
    })
  const r = s.latencyRatio
  if (r)
    rows.push([
      'Ratio loaded / baseline',
      '',
      '',
      `${num(r.p50, 2)}×`,
      `${num(r.p95, 2)}×`,
      `${num(r.p99, 2)}×`,
      '',
      '',
    ])
  return `<h3>Writes (createRecord through XRPC)</h3>${table(['Phase', 'OK', 'Writes/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'First error'], rows)}`
}

function deliveryHtml(p: PhaseResult): string {
  const d = p.delivery
  if (!d) return ''
  const rows = Object.entries(d.classes).map(([name, c]) => {
    const { bySeq: q, byRev: r } = c.counts
    return [
      `<span style="color:${CLASS_COLORS[name]}">${esc(name)}</span>`,
      String(c.subscribers),
      `${c.complete}`,
      String(c.counts.delivered),
      num(c.bytes / 1024 / 1024),
      `${num(c.lag.p50)} / ${num(c.lag.p99)}`,
      num(c.lag.n > 0 ? (100 * c.beforeAck) / c.lag.n : null, 0),
      `${num(c.lagFromRequest.p50)} / ${num(c.lagFromRequest.p99)}`,
      num(c.lagFromRequest.max),
      `${q.missing} / ${r.missing}`,
      `${q.pending} / ${r.pending}`,
      `${q.duplicate} / ${r.duplicate}`,
      `${q.outOfOrder} / ${r.outOfOrder}`,
      String(c.tooSlowDisconnects),
      String(c.closedByServer),
    ]
  })
  const head = [
    'Class',
    'Subscribers',
    'Complete',
    'Frames',
    'MiB',
    'Lag after ack p50 / p99 ms',
    '% before ack',
    'Lag after request p50 / p99 ms',
    'max ms',
    'Missing (seq / rev)',
    'Pending',
    'Duplicated',
    'Out of order',
    'ConsumerTooSlow',
    'Closed by server',
  ]
  const note = `Drain ${d.drained ? 'complete' : '<b>timed out</b>'} ${d.drainMs} ms after the last write; seqs inside the observed range that no subscriber got: ${d.unseenSeqsInRange}.`
  return `<h3>Delivery (write acknowledged → frame processed)</h3>${table(head, rows)}<p class="meta">${note}</p>`
}

function serverHtml(s: ScenarioResult): string {
  const phases = [s.baseline, s.loaded].filter((p): p is PhaseResult => p?.server != null)
  if (phases.length === 0) return '<p class="meta">Server memory: not sampled (remote PDS).</p>'
  const rows = phases.map((p) => {
    const v = p.server
    return [
      esc(p.options.label),
      num(v?.startWorkerdRssMiB),
      num(v?.peakWorkerdRssMiB),
      num(v?.peakGroupRssMiB),
      num(v?.workerdCpuSeconds),
      num(p.clientCpuSeconds),
    ]
  })
  return `<h3>Server process tree (from /proc)</h3>${table(['Phase', 'workerd RSS at start MiB', 'Peak workerd RSS MiB', 'Peak group RSS MiB', 'workerd CPU s', 'Load tool CPU s'], rows)}`
}

function chartsHtml(s: ScenarioResult): string {
  const hist = histogramSvg('Write latency', 'latency (ms)', [
    ...(s.baseline
      ? [{ label: 'baseline', color: BASELINE_COLOR, values: s.baseline.writes.latencies }]
      : []),
    { label: s.baseline ? 'loaded' : 'writes', color: LOADED_COLOR, values: s.loaded.writes.latencies },
  ])
  const lagSeries: LineSeries[] = []
  const legend: LegendItem[] = []
  for (const [name, c] of Object.entries(s.loaded.delivery?.classes ?? {})) {
    if (c.lagSeries.length === 0) continue
    const color = CLASS_COLORS[name] ?? '#000'
    const pts = (key: 'p50' | 'p99') =>
      c.lagSeries.flatMap((pt) => {
        const v = pt[key]
        return v === null ? [] : [{ x: pt.t / 1000, y: Math.max(LAG_FLOOR_MS, v) }]
      })
    lagSeries.push(
      { label: `${name} p50`, color, points: pts('p50') },
      { label: `${name} p99`, color, dash: true, points: pts('p99') },
    )
    legend.push({ label: name, color })
  }
  legend.push({ label: 'solid p50, dashed p99', color: '#fff' })
  const lag =
    lagSeries.length > 0
      ? lineChartSvg(
          'Delivery lag from the write request, by time of write',
          'request sent at (s after the first write)',
          'lag (ms, log scale)',
          lagSeries,
          true,
          legend,
        )
      : ''
  const mem: LineSeries[] = [s.baseline, s.loaded].flatMap((p, i) =>
    p?.server
      ? [
          {
            label: i === 0 ? 'baseline' : 'loaded',
            color: i === 0 ? BASELINE_COLOR : LOADED_COLOR,
            points: p.server.series.map((q) => ({ x: q.t / 1000, y: q.mib })),
          },
        ]
      : [],
  )
  const rss =
    mem.length > 0
      ? lineChartSvg(
          s.baseline
            ? `workerd RSS (loaded phase: ${(s.loaded.connectMs / 1000).toFixed(1)} s connecting, then writes)`
            : 'workerd RSS during the writes',
          's since the phase started',
          'MiB',
          mem,
        )
      : ''
  return `<div class="charts">${hist}${lag}${rss}</div>`
}

function scenarioHtml(s: ScenarioResult, i: number): string {
  const text = Object.entries(s.loaded.delivery?.classes ?? {}).map(([n, c]) => classLine(n, c))
  return [
    `<h2 id="s${i + 1}">${esc(s.name)}: ${esc(describePhase(s.loaded))}</h2>`,
    ...reloadWarnings(s).map((w) => `<p class="missed">${esc(w)}</p>`),
    targetsHtml(s),
    writesHtml(s),
    deliveryHtml(s.loaded),
    serverHtml(s),
    chartsHtml(s),
    text.length > 0 ? `<details><summary>As text</summary><pre>${esc(text.join('\n'))}</pre></details>` : '',
  ].join('\n')
}

const DEFINITIONS = `<h2>How to read this</h2><ul>
<li><b>Lag after ack</b>: from the moment the writer read the createRecord response to the moment a subscriber processed the #commit frame with that rev; a frame processed before the response counts as 0 (<b>% before ack</b> says how often). <b>Lag after request</b>: from the moment the request was sent, so it covers the whole pipeline and is never negative; the chart shows it. Both are measured in the load tool's one Node process, whose event loop also serves every subscriber socket. Slow subscribers process one frame per 1/rate s; stalled ones read nothing until the writes are drained and are then released; lag after a subscriber is released is left out, so stalled ones have none.</li>
<li><b>Missing</b>: an expected event the subscriber never got although it got a later one. <b>Pending</b>: expected events after the last one it got (not delivered yet when the run ended). <b>Duplicated</b>: the same seq or rev twice. <b>Out of order</b>: lower than one that came before. Counted by seq (all events the subscribers saw) and by rev (every write the writer saw acknowledged). <b>Complete</b>: every expected event exactly once and in order.</li>
<li><b>ConsumerTooSlow</b>: error frames the PDS sent before cutting a subscriber off. workerd does not report a socket's buffered bytes (workerd issue #988), so locally the PDS cannot see a stalled peer and this stays 0.</li>
<li><b>Memory</b>: RSS of the local server's workerd processes summed, sampled from /proc every 200 ms.</li></ul>`

/** The report as one self-contained HTML page: inline CSS and SVG, no scripts, no network. */
export function reportHtml(r: Report): string {
  const m = r.machine
  const rows = r.scenarios.map((s, i) => {
    const [name = '', ...rest] = summaryRow(s).map(esc)
    return [`<a href="#s${i + 1}">${name}</a>`, ...rest]
  })
  const summary = table([...SUMMARY_COLUMNS], rows)
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>edge-pds firehose ${esc(r.kind)} ${esc(r.startedAt)}</title><style>${STYLE}</style></head><body>
<h1>edge-pds firehose ${r.kind === 'bench' ? 'benchmark' : 'load test'}</h1>
<p class="meta">${esc(r.startedAt)}, ${r.durationSeconds} s. Machine: ${m.cpus} × ${esc(m.cpuModel)}, ${m.memoryGiB} GiB, Node ${esc(m.node)}; load average ${m.loadAverageStart.join(' ')} at start, ${m.loadAverageEnd.join(' ')} at end.<br>Server: ${esc(r.server)}.<br>Baseline: ${esc(r.baselineMethod)}</p>
<h2>Summary</h2>${summary}
${r.scenarios.map(scenarioHtml).join('\n')}
${DEFINITIONS}
</body></html>
`
}
