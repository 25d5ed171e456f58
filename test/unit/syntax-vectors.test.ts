import { describe, expect, it } from 'vitest'
import { XRPCError } from '../../src/shared/xrpc-error'
import { assertCollection, assertRecordKey } from '../../src/worker/record-prep'
import { vectorLines } from '../helpers/vector-lines'
import nsidInvalid from '../vectors/atproto-interop/syntax/nsid_syntax_invalid.txt?raw'
import nsidValid from '../vectors/atproto-interop/syntax/nsid_syntax_valid.txt?raw'
import rkeyInvalid from '../vectors/atproto-interop/syntax/recordkey_syntax_invalid.txt?raw'
import rkeyValid from '../vectors/atproto-interop/syntax/recordkey_syntax_valid.txt?raw'

/** Runs `fn` and returns the XRPCError it throws (failing if it returns). */
function thrown(fn: () => unknown): XRPCError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(XRPCError)
    return e as XRPCError
  }
  throw new Error('expected an XRPCError, but nothing was thrown')
}

const checks = [
  { name: 'assertCollection (NSID)', check: assertCollection, valid: nsidValid, invalid: nsidInvalid },
  { name: 'assertRecordKey', check: assertRecordKey, valid: rkeyValid, invalid: rkeyInvalid },
]

describe.each(checks)('$name over the interop syntax vectors', ({ check, valid, invalid }) => {
  it('reads a non-trivial number of vectors from each file', () => {
    expect(vectorLines(valid).length).toBeGreaterThan(10)
    expect(vectorLines(invalid).length).toBeGreaterThan(10)
  })

  it.each(vectorLines(valid))('accepts %j', (line) => {
    expect(check(line)).toBe(line)
  })

  it.each(vectorLines(invalid))('rejects %j with 400 InvalidRequest', (line) => {
    const e = thrown(() => check(line))
    expect(e.status).toBe(400)
    expect(e.error).toBe('InvalidRequest')
  })
})

describe('vector file reading', () => {
  it('keeps significant whitespace and drops comments', () => {
    const lines = vectorLines(nsidInvalid)
    expect(lines).toContain('one.two.three ')
    expect(lines).toContain(' one.two.three')
    expect(lines.some((l) => l.startsWith('# '))).toBe(false)
    expect(vectorLines(rkeyInvalid)).toContain('#extra')
  })

  it.each([null, undefined, 5, {}])('rejects a non-string %j', (value) => {
    expect(thrown(() => assertCollection(value)).status).toBe(400)
    expect(thrown(() => assertRecordKey(value)).status).toBe(400)
  })
})
