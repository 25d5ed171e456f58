/**
 * Inserts `seq` into an encoded event body without decoding it.
 *
 * DAG-CBOR sorts map keys by length, then bytewise (spec:data-model), so `seq` has one
 * place among any body's keys: after the keys shorter than three bytes and the three-byte
 * keys below it (`ops`, `rev`), before the rest. The splice walks the top-level keys,
 * skipping each value by its CBOR head alone, and copies the body around the new entry:
 * the bytes a full decode and re-encode would give (the test compares them for every
 * event kind), at the cost of a copy.
 *
 * Tricky bits: the map's head grows by a byte or more when its count crosses 23, 255…;
 * DAG-CBOR allows no indefinite lengths, so none is accepted; a body that already holds
 * `seq` is refused rather than given two.
 */

const SEQ_KEY = new Uint8Array([0x63, 0x73, 0x65, 0x71]) // text(3) "seq"
const SEQ_NAME = SEQ_KEY.subarray(1)

type Head = { major: number; value: number; next: number }

function readHead(b: Uint8Array, pos: number): Head {
  const first = b[pos]
  if (first === undefined) throw new Error('truncated CBOR')
  const major = first >> 5
  const info = first & 0x1f
  if (info < 24) return { major, value: info, next: pos + 1 }
  const size = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : info === 27 ? 8 : 0
  if (size === 0) throw new Error('not DAG-CBOR: indefinite length or reserved head')
  if (pos + 1 + size > b.length) throw new Error('truncated CBOR')
  let value = 0
  for (let i = 1; i <= size; i++) value = value * 256 + (b[pos + i] as number)
  return { major, value, next: pos + 1 + size }
}

/** The offset just past the CBOR item that starts at `pos`. */
function skipItem(b: Uint8Array, pos: number): number {
  let end = pos
  // Items still to skip; arrays and maps add their children instead of recursing.
  let pending = 1
  while (pending > 0) {
    pending -= 1
    const h = readHead(b, end)
    end = h.next
    switch (h.major) {
      case 2:
      case 3:
        end += h.value
        break
      case 4:
        pending += h.value
        break
      case 5:
        pending += 2 * h.value
        break
      case 6:
        pending += 1
        break
      // 0, 1 (integers) and 7 (simple values, floats) hold nothing past their head.
    }
  }
  if (end > b.length) throw new Error('truncated CBOR')
  return end
}

/** −1, 0 or 1 as text key `k` (bytes b[from, to)) sorts before, with or after "seq". */
function compareWithSeq(b: Uint8Array, from: number, to: number): number {
  const len = to - from
  if (len !== SEQ_NAME.length) return len < SEQ_NAME.length ? -1 : 1
  for (let i = 0; i < len; i++) {
    const d = (b[from + i] as number) - (SEQ_NAME[i] as number)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
}

/** The shortest CBOR head of `major` with `value` (DAG-CBOR requires the shortest). */
export function encodeHead(major: number, value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`cannot encode ${value}`)
  const m = major << 5
  if (value < 24) return new Uint8Array([m | value])
  if (value < 0x100) return new Uint8Array([m | 24, value])
  if (value < 0x10000) return new Uint8Array([m | 25, value >> 8, value & 0xff])
  const big = value >= 0x100000000
  const out = new Uint8Array(big ? 9 : 5)
  out[0] = m | (big ? 27 : 26)
  let v = value
  for (let i = out.length - 1; i >= 1; i--) {
    out[i] = v % 256
    v = Math.floor(v / 256)
  }
  return out
}

const NONE = new Uint8Array(0)

/**
 * `body` (an encoded DAG-CBOR map without `seq`) with `seq` added, byte for byte
 * canonical, after `prefix` (a frame's header) in the same buffer.
 */
export function spliceSeq(body: Uint8Array, seq: number, prefix: Uint8Array = NONE): Uint8Array {
  const map = readHead(body, 0)
  if (map.major !== 5) throw new Error('an event body is a CBOR map')
  let pos = map.next
  let insertAt = -1
  for (let i = 0; i < map.value; i++) {
    const key = readHead(body, pos)
    if (key.major !== 3) throw new Error('DAG-CBOR map keys are strings')
    const keyEnd = key.next + key.value
    if (insertAt < 0) {
      const order = compareWithSeq(body, key.next, keyEnd)
      if (order === 0) throw new Error('the body already holds seq')
      if (order > 0) insertAt = pos
    }
    pos = skipItem(body, keyEnd)
  }
  if (pos !== body.length) throw new Error('bytes after the body map')
  if (insertAt < 0) insertAt = pos
  const head = encodeHead(5, map.value + 1)
  const value = encodeHead(0, seq)
  const out = new Uint8Array(
    prefix.length + head.length + (body.length - map.next) + SEQ_KEY.length + value.length,
  )
  out.set(prefix, 0)
  let o = prefix.length
  out.set(head, o)
  o += head.length
  out.set(body.subarray(map.next, insertAt), o)
  o += insertAt - map.next
  out.set(SEQ_KEY, o)
  o += SEQ_KEY.length
  out.set(value, o)
  o += value.length
  out.set(body.subarray(insertAt), o)
  return out
}
