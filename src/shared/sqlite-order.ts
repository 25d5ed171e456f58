/** What the in-memory storage twins need to order and limit rows exactly as SQLite does. */

/**
 * Compares strings by code point, which is the order of their UTF-8 bytes: the order
 * SQLite's default BINARY collation gives TEXT. JavaScript's `<` compares UTF-16 code
 * units instead, which puts U+E000..U+FFFF after characters outside the BMP.
 */
export function compareBinary(a: string, b: string): number {
  const x = a[Symbol.iterator]()
  const y = b[Symbol.iterator]()
  for (;;) {
    const p = x.next()
    const q = y.next()
    if (p.done || q.done) return p.done && q.done ? 0 : p.done ? -1 : 1
    const d = (p.value.codePointAt(0) ?? 0) - (q.value.codePointAt(0) ?? 0)
    if (d !== 0) return d
  }
}

/** A SQL `LIMIT` as a `slice` end: SQLite reads a negative limit as no limit at all. */
export const sqlLimit = (limit: number): number | undefined => (limit < 0 ? undefined : limit)
