import { CODEC_DCBOR, toString as cidString, create as createCid } from '@atcute/cid'
import { lexicons } from '@atproto/api'
import { jsonToLex as jsonToLexData } from '@atproto/lex-json'
import { jsonToLex as jsonToLexicon } from '@atproto/lexicon'
import { isValidNsid, isValidRecordKey } from '@atproto/syntax'
import { encodeDagCbor } from '../shared/dag-cbor'
import { invalidRequest } from '../shared/xrpc-error'
import { collectBlobRefs } from './blob-refs'

/** Records larger than this (DAG-CBOR) are refused (spec:sync). */
export const MAX_RECORD_BYTES = 1_000_000
/** Deepest nesting of objects and arrays a record may have (checked before encoding). */
export const MAX_RECORD_DEPTH = 128

export type ValidationStatus = 'valid' | 'unknown'

export type PreparedRecord = {
  bytes: Uint8Array
  cid: string
  validationStatus: ValidationStatus | undefined
  /** CIDs of the blobs the record references (the repo actor checks it holds them). */
  blobs: string[]
}

export function assertCollection(collection: unknown): string {
  if (typeof collection !== 'string' || !isValidNsid(collection)) {
    throw invalidRequest(`Invalid collection NSID: ${String(collection)}`)
  }
  return collection
}

export function assertRecordKey(rkey: unknown): string {
  if (typeof rkey !== 'string' || !isValidRecordKey(rkey))
    throw invalidRequest(`Invalid record key: ${String(rkey)}`)
  return rkey
}

/**
 * Checks, validates and encodes a record. `$type` defaults to the collection and
 * must equal it. `validate`: true requires a known lexicon, false skips
 * validation, undefined validates known types and marks the rest "unknown".
 */
export async function prepareRecord(
  collection: string,
  record: unknown,
  validate: boolean | undefined,
): Promise<PreparedRecord> {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    throw invalidRequest('Record must be a JSON object')
  }
  const depth = nestingDepth(record)
  if (depth > MAX_RECORD_DEPTH) {
    throw invalidRequest(`Record is nested too deeply: more than ${MAX_RECORD_DEPTH} levels`)
  }
  const json = { ...(record as Record<string, unknown>) }
  json.$type ??= collection
  if (json.$type !== collection) {
    throw invalidRequest(`Invalid $type: expected ${collection}, got ${String(json.$type)}`)
  }

  let value: ReturnType<typeof jsonToLexData>
  try {
    value = jsonToLexData(json as never, { strict: true })
  } catch (e) {
    throw invalidRequest(`Invalid record: ${(e as Error).message}`)
  }

  const validationStatus = validateRecord(collection, json, validate)
  const bytes = encodeRecordJson(json)
  if (bytes.byteLength > MAX_RECORD_BYTES) {
    throw invalidRequest(`Record is too large: ${bytes.byteLength} bytes (max ${MAX_RECORD_BYTES})`)
  }
  const cid = cidString(await createCid(CODEC_DCBOR, bytes))
  return { bytes, cid, validationStatus, blobs: collectBlobRefs(value) }
}

/**
 * The DAG-CBOR bytes of a record's JSON, `$link` and `$bytes` included, by `@atcute/cbor`
 * straight from the JSON: the same bytes as `@atproto/lex-cbor` on lex-json's parse of it
 * (record-encoding.test.ts compares them on the interop vectors and random records), in
 * about half the time. Only for JSON lex-json's strict parse accepted: that parse is the check.
 */
export function encodeRecordJson(json: object): Uint8Array {
  return encodeDagCbor(json)
}

/**
 * How deeply objects and arrays nest in a JSON value, counted without recursion so a
 * hostile record cannot overflow the stack; stops counting once past the limit.
 */
function nestingDepth(value: unknown): number {
  let deepest = 0
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number]
    if (typeof v !== 'object' || v === null) continue
    deepest = Math.max(deepest, depth)
    if (deepest > MAX_RECORD_DEPTH) return deepest
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1])
  }
  return deepest
}

function validateRecord(
  collection: string,
  json: object,
  validate: boolean | undefined,
): ValidationStatus | undefined {
  if (validate === false) return undefined
  if (!lexicons.getDef(collection)) {
    if (validate === true) throw invalidRequest(`Lexicon not found: ${collection}`)
    return 'unknown'
  }
  try {
    // @atproto/lexicon validates its own BlobRef class, so it gets its own parse of the JSON.
    lexicons.assertValidRecord(collection, jsonToLexicon(json as never))
  } catch (e) {
    throw invalidRequest(`Invalid ${collection} record: ${(e as Error).message}`)
  }
  return 'valid'
}
