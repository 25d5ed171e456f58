import { jsonToLex } from '@atproto/lex-json'
import { describe, expect, it } from 'vitest'
import { declaredMimeType, mimeMismatch } from '../../src/worker/blob-mime'
import { parseRange } from '../../src/worker/blob-range'
import { collectBlobRefs } from '../../src/worker/blob-refs'

const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)))

const PNG_HEAD = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const JPEG_HEAD = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF', [0, 1])
const GIF_HEAD = bytes('GIF89a', [1, 0, 1, 0, 0, 0])
const WEBP_HEAD = bytes('RIFF', [0, 0, 0, 0], 'WEBP')
const MP4_HEAD = bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0])
const MOV_HEAD = bytes([0, 0, 0, 0x14], 'ftypqt  ', [0, 0, 0, 0])
const MOV_MOOV_HEAD = bytes([0, 0, 0, 0x14], 'moov', [0, 0, 0, 0, 0, 0, 0, 0])
const WEBM_HEAD = bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 1, 0x42, 0xf7, 0x81])

describe('mimeMismatch', () => {
  it.each([
    ['image/png', PNG_HEAD],
    ['image/jpeg', JPEG_HEAD],
    ['image/gif', GIF_HEAD],
    ['image/webp', WEBP_HEAD],
    ['video/mp4', MP4_HEAD],
    ['video/quicktime', MOV_HEAD],
    ['video/quicktime', MOV_MOOV_HEAD],
    ['video/webm', WEBM_HEAD],
  ])('accepts %s content declared as such', (mime, head) => {
    expect(mimeMismatch(mime, head)).toBeNull()
  })

  it.each([
    ['image/png', JPEG_HEAD],
    ['image/jpeg', PNG_HEAD],
    ['image/gif', WEBP_HEAD],
    ['image/webp', bytes('RIFF', [0, 0, 0, 0], 'WAVE')],
    ['video/mp4', WEBM_HEAD],
    ['video/webm', MP4_HEAD],
    ['image/png', bytes([0x89, 0x50])],
    ['image/png', new Uint8Array(0)],
  ])('refuses %s content that does not match', (mime, head) => {
    expect(mimeMismatch(mime, head)).toMatch(/does not match/)
  })

  it('lets types it has no signature for through unchecked', () => {
    expect(mimeMismatch('application/octet-stream', PNG_HEAD)).toBeNull()
    expect(mimeMismatch('text/plain', new Uint8Array(0))).toBeNull()
  })
})

describe('declaredMimeType', () => {
  it('drops parameters and case, and defaults to application/octet-stream', () => {
    expect(declaredMimeType('Image/PNG; charset=binary')).toBe('image/png')
    expect(declaredMimeType('video/mp4')).toBe('video/mp4')
    expect(declaredMimeType(null)).toBe('application/octet-stream')
    expect(declaredMimeType('')).toBe('application/octet-stream')
    expect(declaredMimeType('not a type')).toBe('application/octet-stream')
  })
})

describe('parseRange', () => {
  it.each([
    ['bytes=0-0', 10, { offset: 0, length: 1 }],
    ['bytes=2-5', 10, { offset: 2, length: 4 }],
    ['bytes=2-', 10, { offset: 2, length: 8 }],
    ['bytes=5-100', 10, { offset: 5, length: 5 }],
    ['bytes=-3', 10, { offset: 7, length: 3 }],
    ['bytes=-30', 10, { offset: 0, length: 10 }],
    ['BYTES = 1-1', 10, { offset: 1, length: 1 }],
  ])('%s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected)
  })

  it.each([
    ['bytes=10-', 10],
    ['bytes=5-2', 10],
    ['bytes=-0', 10],
    ['bytes=-1', 0],
    ['bytes=0-1,3-4', 10],
    ['bytes=a-b', 10],
    ['bytes=', 10],
  ])('%s of %i bytes is unsatisfiable', (header, size) => {
    expect(parseRange(header, size)).toBe('unsatisfiable')
  })

  it('ignores a missing header and other units', () => {
    expect(parseRange(null, 10)).toBeNull()
    expect(parseRange('items=0-1', 10)).toBeNull()
  })
})

describe('collectBlobRefs', () => {
  const cidA = 'bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy'
  const cidB = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
  const blob = (cid: string) => ({ $type: 'blob', ref: { $link: cid }, mimeType: 'image/png', size: 3 })

  it('finds typed and legacy blob refs at any depth, each once', () => {
    const record = jsonToLex(
      {
        $type: 'com.example.thing',
        avatar: blob(cidA),
        nested: { list: [{ deeper: [blob(cidB)] }, blob(cidA)] },
        legacy: { cid: cidB, mimeType: 'image/jpeg' },
        link: { $link: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm' },
        bytes: { $bytes: 'AAEC' },
      },
      { strict: true },
    )
    expect(collectBlobRefs(record).sort()).toEqual([cidA, cidB].sort())
  })

  it('finds nothing in a record without blobs', () => {
    expect(collectBlobRefs(jsonToLex({ $type: 'com.example.thing', text: 'hi', n: 1 }))).toEqual([])
  })
})
