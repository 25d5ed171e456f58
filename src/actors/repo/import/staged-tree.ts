import { type Cid, enumBlobRefs, getBlobCidString, isCid, parseCid } from '@atproto/lex-data'
import { cborToLex, cborToLexRecord, mstUtil, nodeDataDef, parseObjByDef } from '@atproto/repo'
import { isValidNsid, isValidRecordKey, isValidTid } from '@atproto/syntax'
import { err, ok, type Result } from '../../../shared/result'
import type { RepoCode } from '../repo-codes'
import type { ImportStaging, StagedRecord } from './import-staging'

/** What the import takes from the imported commit: its rev and the MST root. */
export type ImportedCommit = { rev: string; data: Cid }

/** Staged rows are flushed to SQLite in batches of this many. */
const FLUSH_EVERY = 200
/** A BOM is kept, so it fails the key check instead of vanishing. */
const KEY_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

const isPlainMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) && !isCid(v)

/**
 * Checks the CAR root is a v3 commit of `did`: `data` a link, `rev` a TID, `prev` null
 * or a link, `sig` absent or bytes. The signature is the old host's and is not checked:
 * the import is re-signed with this PDS's key.
 */
export function parseImportedCommit(bytes: Uint8Array, did: string): Result<ImportedCommit, RepoCode> {
  let commit: unknown
  try {
    commit = cborToLex(bytes)
  } catch {
    return err('InvalidRequest', 'The CAR root is not a commit: not DAG-CBOR')
  }
  if (!isPlainMap(commit)) return err('InvalidRequest', 'The CAR root is not a commit object')
  const { version, data, rev, prev, sig } = commit
  if (version !== 3)
    return err('InvalidRequest', `The CAR root is not a v3 commit (version ${String(version)})`)
  if (commit.did !== did)
    return err('InvalidRequest', `The imported repo belongs to ${String(commit.did)}, not ${did}`)
  if (!isCid(data)) return err('InvalidRequest', 'The commit has no data link')
  if (typeof rev !== 'string' || !isValidTid(rev)) return err('InvalidRequest', 'The commit rev is not a TID')
  if (prev !== undefined && prev !== null && !isCid(prev))
    return err('InvalidRequest', 'The commit prev is not a link')
  if (sig !== undefined && !(sig instanceof Uint8Array))
    return err('InvalidRequest', 'The commit sig is not bytes')
  return ok({ rev, data: parseCid(data.toString()) })
}

type Visit = { node: Cid } | { key: string; value: Cid }

/**
 * Walks the staged MST from `data` in key order and stages the record index: every node
 * and record block must be in the CAR, nodes must parse as MST nodes, keys must be
 * valid `collection/rkey` paths in strictly ascending order (so no subtree is reached
 * twice), and records must be DAG-CBOR maps. The blobs each record references are staged
 * with it. Reached blocks are marked, so unreferenced CAR blocks are dropped at the swap.
 * Memory stays bounded by the tree's depth times its fan-out, whatever the repo's size.
 */
export async function stageTree(
  staging: ImportStaging,
  did: string,
  data: Cid,
): Promise<Result<{ records: number }, RepoCode>> {
  const stack: Visit[] = [{ node: data }]
  let reached: string[] = []
  let records: StagedRecord[] = []
  let total = 0
  let lastKey = ''
  const flush = () => {
    staging.markReached(reached)
    staging.putRecords(did, records)
    reached = []
    records = []
  }
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    if ('node' in visit) {
      const cid = visit.node.toString()
      const bytes = staging.getBytes(cid)
      if (!bytes) return err('InvalidRequest', `The CAR lacks the MST node ${cid}`)
      let node: { l: Cid | null; e: { p: number; k: Uint8Array; v: Cid; t: Cid | null }[] }
      try {
        node = parseObjByDef(bytes, visit.node, nodeDataDef).obj
      } catch {
        return err('InvalidRequest', `Block ${cid} is not an MST node`)
      }
      reached.push(cid)
      const next: Visit[] = node.l ? [{ node: node.l }] : []
      let prevKey = ''
      for (const entry of node.e) {
        let suffix: string
        try {
          suffix = KEY_DECODER.decode(entry.k)
        } catch {
          return err('InvalidRequest', `MST node ${cid} has a key that is not UTF-8`)
        }
        if (entry.p > prevKey.length) return err('InvalidRequest', `MST node ${cid} has a bad key prefix`)
        prevKey = prevKey.slice(0, entry.p) + suffix
        next.push({ key: prevKey, value: entry.v })
        if (entry.t) next.push({ node: entry.t })
      }
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i] as Visit)
    } else {
      const staged = await stageRecord(staging, visit.key, visit.value, lastKey)
      if (!staged.ok) return staged
      lastKey = visit.key
      reached.push(staged.value.cid)
      records.push(staged.value)
      total++
    }
    if (reached.length + records.length >= FLUSH_EVERY) flush()
  }
  flush()
  return ok({ records: total })
}

async function stageRecord(
  staging: ImportStaging,
  key: string,
  value: Cid,
  lastKey: string,
): Promise<Result<StagedRecord, RepoCode>> {
  if (key <= lastKey) return err('InvalidRequest', `MST keys are out of order at ${key}`)
  const [collection = '', rkey = '', ...rest] = key.split('/')
  if (!mstUtil.isValidMstKey(key) || rest.length > 0 || !isValidNsid(collection) || !isValidRecordKey(rkey))
    return err('InvalidRequest', `Not a record path: ${key}`)
  const cid = value.toString()
  const bytes = staging.getBytes(cid)
  if (!bytes) return err('InvalidRequest', `The CAR lacks the record ${key} (${cid})`)
  let record: ReturnType<typeof cborToLexRecord>
  try {
    record = cborToLexRecord(bytes)
  } catch {
    return err('InvalidRequest', `Could not parse record at '${key}'`)
  }
  const blobs = new Set<string>()
  for (const ref of enumBlobRefs(record, { allowLegacy: true, strict: false }))
    blobs.add(getBlobCidString(ref))
  return ok({ collection, rkey, cid, blobs: [...blobs] })
}
