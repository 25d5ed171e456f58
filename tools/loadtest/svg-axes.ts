/** Scales, ticks and escaping for the hand-made SVG charts. Pure. */

/** Escapes text for XML and HTML. */
export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** A value → pixel mapping with the ticks to draw. */
export type Scale = { at: (v: number) => number; ticks: number[]; label: (v: number) => string }

/** About `count` round tick values (1, 2 or 5 × 10^k apart) covering [0, max]. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1]
  const raw = max / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power
  const ticks: number[] = []
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Math.round(v * 1e6) / 1e6)
  if ((ticks.at(-1) ?? 0) < max) ticks.push(Math.round(ticks.length * step * 1e6) / 1e6)
  return ticks
}

/** Short number text: 1.5k, 12, 0.25. */
export function shortNumber(v: number): string {
  if (Math.abs(v) >= 10_000) return `${Math.round(v / 1000)}k`
  if (Math.abs(v) >= 1000) return `${(v / 1000).toFixed(1).replace(/\.0$/, '')}k`
  if (Math.abs(v) >= 10 || v === 0) return String(Math.round(v))
  return String(Math.round(v * 100) / 100)
}

/** A linear scale from [0, max] onto [from, to] pixels, with nice ticks (the last one is the top). */
export function linearScale(max: number, from: number, to: number, count = 5): Scale {
  const ticks = niceTicks(max, count)
  const top = ticks.at(-1) ?? 1
  return { at: (v) => from + (to - from) * (v / top), ticks, label: shortNumber }
}

/**
 * A log-10 scale from [min, max] onto [from, to] pixels; values at or below `min` sit at
 * `min`. Ticks at 1, 2 and 5 × 10^k, or only powers of ten over a wide range.
 */
export function logScale(min: number, max: number, from: number, to: number): Scale {
  const lo = Math.floor(Math.log10(Math.max(min, 1e-3)))
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(max, min * 10))))
  const mults = hi - lo > 3 ? [1] : [1, 2, 5]
  const ticks: number[] = []
  for (let k = lo; k <= hi; k++) for (const m of mults) if (m * 10 ** k <= 10 ** hi) ticks.push(m * 10 ** k)
  const at = (v: number) => {
    const x = Math.log10(Math.max(v, 10 ** lo))
    return from + (to - from) * ((x - lo) / (hi - lo))
  }
  return { at, ticks, label: shortNumber }
}
