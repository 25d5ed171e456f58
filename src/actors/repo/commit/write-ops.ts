/**
 * Writes as the Worker hands them to the repo actor: records already validated and
 * DAG-CBOR encoded, CIDs as strings (RPC carries plain values only). `blobs` lists the
 * CIDs of the blobs the record references; the repo actor refuses blobs it does not hold.
 */
export type WriteInput =
  /** Fails if the record exists. */
  | { action: 'create'; collection: string; rkey: string; cid: string; bytes: Uint8Array; blobs?: string[] }
  /** Fails if the record does not exist (applyWrites#update). */
  | {
      action: 'update'
      collection: string
      rkey: string
      cid: string
      bytes: Uint8Array
      blobs?: string[]
      swapRecord?: string | null
    }
  /** Creates or replaces (putRecord). */
  | {
      action: 'put'
      collection: string
      rkey: string
      cid: string
      bytes: Uint8Array
      blobs?: string[]
      swapRecord?: string | null
    }
  /** Fails if missing unless `ifExists` (deleteRecord is a no-op on a missing record). */
  | { action: 'delete'; collection: string; rkey: string; swapRecord?: string | null; ifExists?: boolean }

export type ApplyWritesInput = { writes: WriteInput[]; swapCommit?: string }

export type WriteResult = { action: 'create' | 'update' | 'delete'; uri: string; cid: string | null }

export type ApplyWritesOutput = { commit: { cid: string; rev: string } | null; results: WriteResult[] }
