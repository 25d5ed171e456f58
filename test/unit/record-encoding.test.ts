import { encode } from '@atproto/lex-cbor'
import { cidForCbor } from '@atproto/lex-data'
import { jsonToLex } from '@atproto/lex-json'
import { describe, expect, it } from 'vitest'
import { encodeRecordJson, prepareRecord } from '../../src/worker/record-prep'
import { prng } from '../helpers/prng'
import fixtures from '../vectors/atproto-interop/data-model/data-model-fixtures.json'
import invalid from '../vectors/atproto-interop/data-model/data-model-invalid.json'
import valid from '../vectors/atproto-interop/data-model/data-model-valid.json'

const C = 'com.example.vectors'
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex')
/** What the library pipeline gives: lex-json's strict parse, then lex-cbor. */
const libraryBytes = (json: unknown) => encode(jsonToLex(json as never, { strict: true }))

const LINK = 'bafyreidfayvfuwqa7qlnopdjiqrxzs6blmoeu4rujcjtnci5beludirz2a'
const RAW = 'bafkreiccldh766hwcnuxnf2wh6jgzepf2nlu2lvcllt63eww5p6chi4ity'
const KEYS = ['a', 'b', 'text', 'createdAt', 'é', 'zz', 'Ω', '$type', 'a-b', '😀', 'longer-key-name', '']

/** A random record-shaped JSON value: unicode keys, integers, links, bytes, blobs, nesting. */
function randomValue(rand: () => number, depth: number): unknown {
  const r = rand()
  if (depth > 3 || r < 0.3) {
    const kinds = [
      () => Math.floor((rand() - 0.5) * 2 ** 40),
      () =>
        [0, -1, 23, 24, 255, 256, 65535, 65536, 2 ** 32, Number.MAX_SAFE_INTEGER][Math.floor(rand() * 10)],
      () => ['', 'abc', 'ünïcödé', '☎😀‍', 'x'.repeat(300)][Math.floor(rand() * 5)],
      () => rand() < 0.5,
      () => null,
      () => ({ $link: rand() < 0.5 ? LINK : RAW }),
      () => ({ $bytes: ['nFERjvLLiw9qm45JrqH9QTzyC2Lu1Xb4ne6+sBrCzI0', 'AQID', ''][Math.floor(rand() * 3)] }),
      () => ({ $type: 'blob', ref: { $link: RAW }, mimeType: 'image/jpeg', size: 10000 }),
    ]
    return kinds[Math.floor(rand() * kinds.length)]?.()
  }
  if (r < 0.5) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1))
  const out: Record<string, unknown> = {}
  for (let i = Math.floor(rand() * 6); i > 0; i--) {
    const key = KEYS[Math.floor(rand() * KEYS.length)] ?? 'k'
    if (key === '$type') out[key] = 'com.example.nested'
    else out[key] = randomValue(rand, depth + 1)
  }
  return out
}

describe('encodeRecordJson', () => {
  for (const f of fixtures) {
    it(`gives the interop fixture's CBOR and CID for {${Object.keys(f.json).join(', ')}}`, async () => {
      const bytes = encodeRecordJson(f.json)
      expect(Buffer.from(bytes).toString('base64').replace(/=+$/, '')).toBe(f.cbor_base64.replace(/=+$/, ''))
      expect((await cidForCbor(bytes)).toString()).toBe(f.cid)
    })
  }

  it("gives the library pipeline's bytes on 2,000 random records (and prepareRecord refuses what it refuses)", async () => {
    const rand = prng(3)
    let compared = 0
    let refused = 0
    for (let i = 0; i < 2000; i++) {
      const json = { $type: C, ...(randomValue(rand, 0) as object) }
      let expected: Uint8Array
      try {
        expected = libraryBytes(json)
      } catch {
        await expect(prepareRecord(C, json, false)).rejects.toMatchObject({ status: 400 })
        refused++
        continue
      }
      expect(hex(encodeRecordJson(json))).toBe(hex(expected))
      compared++
    }
    expect(compared).toBeGreaterThan(1000)
    expect(refused).toBeGreaterThan(0)
  })

  it('returns a buffer of exactly its size', () => {
    const bytes = encodeRecordJson({ $type: C, a: 1 })
    expect(bytes.byteOffset).toBe(0)
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength)
  })
})

describe('prepareRecord on the data-model vectors', () => {
  for (const v of valid) {
    it(`accepts: ${v.note}, with the library's bytes and CID`, async () => {
      const json = { $type: C, ...(v.json as object) }
      const prepared = await prepareRecord(C, json, false)
      expect(hex(prepared.bytes)).toBe(hex(libraryBytes(json)))
      expect(prepared.cid).toBe((await cidForCbor(libraryBytes(json))).toString())
    })
  }
  for (const v of invalid) {
    it(`refuses with InvalidRequest: ${v.note}`, async () => {
      const record = typeof v.json === 'object' ? { $type: C, ...v.json } : v.json
      await expect(prepareRecord(C, record, false)).rejects.toMatchObject({
        status: 400,
        error: 'InvalidRequest',
      })
    })
  }
})
