/**
 * Writes as the Worker hands them to the repo actor: records already validated and
 * DAG-CBOR encoded, CIDs as strings (RPC carries plain values only). `blobs` lists the
 * CIDs of the blobs the record references; the repo actor refuses blobs it does not hold.
 */
/** What a record write carries besides its action. */
type RecordWrite = { collection: string; rkey: string; cid: string; bytes: Uint8Array; blobs?: string[] }

export type WriteInput =
  /** Fails if the record exists. */
  | ({ action: 'create' } & RecordWrite)
  /** Fails if the record does not exist (applyWrites#update). */
  | ({ action: 'update'; swapRecord?: string | null } & RecordWrite)
  /** Creates or replaces (putRecord). */
  | ({ action: 'put'; swapRecord?: string | null } & RecordWrite)
  /** Fails if missing unless `ifExists` (deleteRecord is a no-op on a missing record). */
  | { action: 'delete'; collection: string; rkey: string; swapRecord?: string | null; ifExists?: boolean }

export type ApplyWritesInput = { writes: WriteInput[]; swapCommit?: string }

export type WriteResult = { action: 'create' | 'update' | 'delete'; uri: string; cid: string | null }

export type ApplyWritesOutput = { commit: { cid: string; rev: string } | null; results: WriteResult[] }
