/** Percentiles and summaries of millisecond samples. Pure. */

/** A latency or lag distribution; every field in milliseconds, null when there were no samples. */
export type Summary = {
  n: number
  mean: number | null
  p50: number | null
  p95: number | null
  p99: number | null
  max: number | null
}

/** The `p`th percentile (0–100) of ascending `sorted`, nearest rank; undefined when empty. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

const round = (v: number | undefined): number | null => (v === undefined ? null : Math.round(v * 100) / 100)

/** n, mean, p50, p95, p99 and max of `values` (any order). */
export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b)
  const sum = sorted.reduce((a, b) => a + b, 0)
  return {
    n: sorted.length,
    mean: round(sorted.length > 0 ? sum / sorted.length : undefined),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1)),
  }
}

/** `a / b` rounded to two decimals, or null when either is missing or `b` is zero. */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null
  return Math.round((a / b) * 100) / 100
}

/** One bucket of a time series: samples whose time falls in [t, t + width). */
export type SeriesPoint = { t: number; n: number; p50: number | null; p99: number | null; max: number | null }

/**
 * Buckets `(time, value)` samples into `buckets` equal slices of [0, span] and summarises
 * each, for "value over time" charts. Empty buckets are left out.
 */
export function timeSeries(
  samples: readonly { t: number; v: number }[],
  span: number,
  buckets: number,
): SeriesPoint[] {
  if (samples.length === 0 || span <= 0) return []
  const width = span / buckets
  const slices: number[][] = Array.from({ length: buckets }, () => [])
  for (const { t, v } of samples) {
    const i = Math.min(buckets - 1, Math.max(0, Math.floor(t / width)))
    slices[i]?.push(v)
  }
  const out: SeriesPoint[] = []
  slices.forEach((values, i) => {
    if (values.length === 0) return
    const s = summarize(values)
    out.push({ t: Math.round(i * width), n: s.n, p50: s.p50, p99: s.p99, max: s.max })
  })
  return out
}
