/** A byte range of a blob: `length` bytes from `offset`. */
export type ByteRange = { offset: number; length: number }

/**
 * Parses a `Range` header against a blob of `size` bytes (RFC 9110 §14.1.2):
 * - null: no header, or a unit other than bytes (ignored, the whole blob is served);
 * - a range: one `bytes=a-b`, `bytes=a-` or `bytes=-n`, clamped to the blob;
 * - `'unsatisfiable'`: malformed, several ranges, or a range outside the blob (416).
 */
export function parseRange(header: string | null, size: number): ByteRange | null | 'unsatisfiable' {
  if (header === null) return null
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header)
  if (!match) return null
  const spec = /^(\d*)-(\d*)$/.exec(match[1]?.trim() ?? '')
  if (!spec) return 'unsatisfiable'
  const [, first = '', last = ''] = spec
  if (first === '') {
    // A suffix: the last n bytes.
    const n = Number(last)
    if (last === '' || n === 0 || size === 0) return 'unsatisfiable'
    const length = Math.min(n, size)
    return { offset: size - length, length }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (start >= size || (last !== '' && Number(last) < start)) return 'unsatisfiable'
  return { offset: start, length: end - start + 1 }
}
