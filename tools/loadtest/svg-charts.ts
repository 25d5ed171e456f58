import { percentile } from './stats'
import { esc, linearScale, logScale, type Scale } from './svg-axes'

/** Inline SVG charts for the HTML report: plain strings, no library, no network. */

const W = 560
const H = 300
const M = { l: 58, r: 16, t: 34, b: 62 }
const PLOT = { x0: M.l, x1: W - M.r, y0: H - M.b, y1: M.t }

type Frame = { title: string; xLabel: string; yLabel: string; x: Scale; y: Scale; legend: LegendItem[] }
/** A legend entry: a line (dashed or not) or a filled box. */
export type LegendItem = { label: string; color: string; dash?: boolean; box?: boolean }

const f = (v: number) => v.toFixed(1)

/** Axes, grid, labels and legend around a plot whose marks are `body`. */
function frame({ title, xLabel, yLabel, x, y, legend }: Frame, body: string): string {
  const grid = [
    ...y.ticks.map(
      (t) =>
        `<line x1="${PLOT.x0}" x2="${PLOT.x1}" y1="${f(y.at(t))}" y2="${f(y.at(t))}" class="grid"/>` +
        `<text x="${PLOT.x0 - 6}" y="${f(y.at(t) + 4)}" text-anchor="end">${esc(y.label(t))}</text>`,
    ),
    ...x.ticks.map(
      (t) =>
        `<line x1="${f(x.at(t))}" x2="${f(x.at(t))}" y1="${PLOT.y0}" y2="${PLOT.y0 + 4}" class="axis"/>` +
        `<text x="${f(x.at(t))}" y="${PLOT.y0 + 17}" text-anchor="middle">${esc(x.label(t))}</text>`,
    ),
  ].join('')
  let lx = PLOT.x0
  const keys = legend
    .map((item) => {
      const mark = item.box
        ? `<rect x="${lx}" y="${H - 16}" width="12" height="10" fill="${item.color}" fill-opacity="0.6"/>`
        : `<line x1="${lx}" x2="${lx + 14}" y1="${H - 11}" y2="${H - 11}" stroke="${item.color}" stroke-width="2"${item.dash ? ' stroke-dasharray="4 3"' : ''}/>`
      const out = `${mark}<text x="${lx + 18}" y="${H - 7}">${esc(item.label)}</text>`
      lx += 26 + item.label.length * 6.2
      return out
    })
    .join('')
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" class="chart" role="img" aria-label="${esc(title)}">`,
    `<text x="${PLOT.x0}" y="18" class="title">${esc(title)}</text>`,
    grid,
    `<line x1="${PLOT.x0}" x2="${PLOT.x1}" y1="${PLOT.y0}" y2="${PLOT.y0}" class="axis"/>`,
    `<line x1="${PLOT.x0}" x2="${PLOT.x0}" y1="${PLOT.y0}" y2="${PLOT.y1}" class="axis"/>`,
    body,
    `<text x="${(PLOT.x0 + PLOT.x1) / 2}" y="${PLOT.y0 + 33}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(14 ${(PLOT.y0 + PLOT.y1) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
    keys,
    '</svg>',
  ].join('')
}

/** A series of samples drawn as one colour in a histogram. */
export type HistogramSeries = { label: string; color: string; values: readonly number[] }

/**
 * Overlaid histograms (percent of each series per bin) on shared bins from 0 to about
 * 1.25 × the largest p99; larger values pile into the last bin, which the title says.
 */
export function histogramSvg(
  title: string,
  xLabel: string,
  series: readonly HistogramSeries[],
  bins = 40,
): string {
  const p99s = series.map(
    (s) =>
      percentile(
        [...s.values].sort((a, b) => a - b),
        99,
      ) ?? 0,
  )
  const x = linearScale(Math.max(1, ...p99s) * 1.25, PLOT.x0, PLOT.x1, 6)
  const xMax = x.ticks.at(-1) ?? 1
  const width = xMax / bins
  const shares = series.map((s) => {
    const counts = new Array<number>(bins).fill(0)
    for (const v of s.values) {
      const b = Math.min(bins - 1, Math.floor(v / width))
      counts[b] = (counts[b] ?? 0) + 1
    }
    return counts.map((c) => (s.values.length > 0 ? (c / s.values.length) * 100 : 0))
  })
  const y = linearScale(Math.max(1, ...shares.flat()), PLOT.y0, PLOT.y1, 4)
  const barW = (PLOT.x1 - PLOT.x0) / bins
  const bars = shares
    .map((share, i) =>
      share
        .map((pct, b) => {
          if (pct === 0) return ''
          const top = y.at(pct)
          return `<rect x="${f(PLOT.x0 + b * barW + 0.5)}" y="${f(top)}" width="${f(barW - 1)}" height="${f(PLOT.y0 - top)}" fill="${series[i]?.color}" fill-opacity="0.55"/>`
        })
        .join(''),
    )
    .join('')
  const legend = series.map((s) => ({
    label: `${s.label} (n=${s.values.length})`,
    color: s.color,
    box: true,
  }))
  return frame(
    {
      title: `${title} (last bin: ≥ ${Math.round(xMax - width)} ms)`,
      xLabel,
      yLabel: '% of writes',
      x,
      y,
      legend,
    },
    bars,
  )
}

/** A line in a line chart; points need not be evenly spaced. */
export type LineSeries = {
  label: string
  color: string
  dash?: boolean
  points: readonly { x: number; y: number }[]
}

/** Lines over a shared x axis; `log` uses a log-10 y axis (lags range from ms to many s). */
export function lineChartSvg(
  title: string,
  xLabel: string,
  yLabel: string,
  series: readonly LineSeries[],
  log = false,
  legendItems?: LegendItem[],
): string {
  const all = series.flatMap((s) => s.points)
  if (all.length === 0) return `<p class="empty">${esc(title)}: no data.</p>`
  const x = linearScale(Math.max(1e-3, ...all.map((p) => p.x)), PLOT.x0, PLOT.x1, 6)
  const ys = all.map((p) => p.y)
  const y = log
    ? logScale(Math.max(0.1, Math.min(...ys.filter((v) => v > 0), 1)), Math.max(...ys), PLOT.y0, PLOT.y1)
    : linearScale(Math.max(1, ...ys), PLOT.y0, PLOT.y1, 4)
  const lines = series
    .map((s) => {
      const pts = s.points.map((p) => `${f(x.at(p.x))},${f(y.at(p.y))}`)
      const dash = s.dash ? ' stroke-dasharray="4 3"' : ''
      const dots =
        s.points.length < 12
          ? pts
              .map(
                (p) => `<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.5" fill="${s.color}"/>`,
              )
              .join('')
          : ''
      return `<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="1.8"${dash}/>${dots}`
    })
    .join('')
  const legend = legendItems ?? series.map((s) => ({ label: s.label, color: s.color, dash: s.dash ?? false }))
  return frame({ title, xLabel, yLabel, x, y, legend }, lines)
}
