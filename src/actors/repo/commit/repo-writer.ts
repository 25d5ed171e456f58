import type { Keypair } from '@atproto/crypto'
import { type Cid, parseCid } from '@atproto/lex-data'
import { def, MST, Repo } from '@atproto/repo'
import { type Clock, isoNow, systemClock } from '../../../shared/clock'
import { type Err, err, ok, type Result } from '../../../shared/result'
import type { BlobRefHook } from '../blobs/blob-store'
import type { Outbox } from '../outbox/outbox'
import type { RepoCode } from '../repo-codes'
import type { BlockStore } from '../storage/block-store'
import type { RecordIndex } from '../storage/record-index'
import { buildCommit, type PreparedWrite, type RepoHead } from './commit-builder'
import {
  accountEvent,
  commitEvent,
  eventLimitProblem,
  identityEvent,
  type OutboxEvent,
} from './firehose-events'
import { RecentNodes } from './recent-nodes'
import { resignHead } from './resign'
import type { ApplyWritesInput, ApplyWritesOutput, WriteInput, WriteResult } from './write-ops'

export type RepoWriterDeps = {
  /** Runs a function as one SQLite transaction (`ctx.storage.transactionSync`). */
  transaction: <T>(fn: () => T) => T
  blocks: BlockStore
  index: RecordIndex
  outbox: Outbox
  keypair: Keypair
  did: string
  handle: string
  /** Commit and event times; the system clock unless a test moves time itself. */
  clock?: Clock
  /** Blob references: checked in `resolve`, linked inside the commit transaction. */
  blobRefs?: BlobRefHook
}

/**
 * Owns the repo head and applies writes one at a time. Each write computes its
 * commit against the in-memory MST, then persists blocks, root, record index and
 * the outbox event in one transaction; only after it commits does the head move.
 */
export class RepoWriter {
  private queue: Promise<unknown> = Promise.resolve()
  /** MST node bytes of the last commits, for the next proofs (no SQL read per proof node). */
  private readonly recentNodes = new RecentNodes()

  private constructor(
    private readonly deps: RepoWriterDeps,
    private current: RepoHead,
  ) {}

  get head(): RepoHead {
    return this.current
  }

  /** Loads the repo, creating it with a signed genesis commit on first start. */
  static async open(deps: RepoWriterDeps): Promise<RepoWriter> {
    const root = deps.blocks.getRootDetails()
    if (root) return new RepoWriter(deps, await loadHead(deps.blocks, root.cid))

    const genesis = await Repo.formatInitCommit(deps.blocks, deps.did, deps.keypair)
    const now = isoNow(deps.clock ?? systemClock)
    const event = await commitEvent(
      { did: deps.did, commitCid: genesis.cid, rev: genesis.rev, ops: [], blocks: genesis.newBlocks },
      null,
      now,
    )
    deps.transaction(() => {
      deps.blocks.applyCommitSync(genesis, Date.parse(now))
      deps.outbox.append(identityEvent(deps.did, deps.handle, now), now)
      deps.outbox.append(accountEvent(deps.did, true, now), now)
      deps.outbox.append(event, now)
    })
    return new RepoWriter(deps, await loadHead(deps.blocks, genesis.cid))
  }

  /**
   * Applies a batch of writes as one commit. Calls are serialized. `refusal` runs inside
   * the queue, right before the write: a status change queued ahead of it (a deactivation)
   * has taken effect by then, so no write lands after the event that announced it.
   */
  applyWrites(
    input: ApplyWritesInput,
    refusal: () => Err<RepoCode> | null = () => null,
  ): Promise<Result<ApplyWritesOutput, RepoCode>> {
    return this.exclusive(async () => refusal() ?? this.applyNow(input))
  }

  /** Runs `fn` in the write queue: no write is in progress while it runs (blob GC uses this). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => undefined)
    return run
  }

  private async applyNow(input: ApplyWritesInput): Promise<Result<ApplyWritesOutput, RepoCode>> {
    const head = this.current
    if (input.swapCommit !== undefined && input.swapCommit !== head.cid.toString()) {
      return err('InvalidSwap', `Commit was at ${head.cid.toString()}`)
    }
    const resolved = await this.resolve(head, input.writes)
    if (!resolved.ok) return resolved
    const { writes, results } = resolved.value
    if (writes.length === 0) return ok({ commit: null, results })

    const built = await buildCommit(head, writes, this.deps.keypair, this.recentNodes)
    const tooBig = eventLimitProblem(built.ops.length, built.eventBlocks.byteSize)
    if (tooBig) return err('InvalidRequest', tooBig)
    const now = this.now()
    const event = await commitEvent(
      {
        did: head.did,
        commitCid: built.commit.cid,
        rev: built.commit.rev,
        ops: built.ops,
        blocks: built.eventBlocks,
      },
      head,
      now,
    )

    const { index, blocks, outbox, blobRefs } = this.deps
    const rev = built.commit.rev
    const blobsOf = new Map(input.writes.map((w) => [`${w.collection}/${w.rkey}`, blobCids(w)]))
    this.deps.transaction(() => {
      // The index moves first: block removal keeps blocks still named by a record.
      for (const w of writes) {
        if (w.action === 'delete') index.delete(w.collection, w.rkey, rev)
        else index.put({ collection: w.collection, rkey: w.rkey, cid: w.cid.toString(), rev })
        const path = `${w.collection}/${w.rkey}`
        const linked = blobsOf.get(path) ?? []
        // A new record without blobs has no links to set or clear.
        if (w.action !== 'create' || linked.length > 0)
          blobRefs?.setRecordBlobs(`at://${head.did}/${path}`, linked, rev)
      }
      blocks.applyCommitSync(built.commit, Date.parse(now))
      outbox.append(event, now)
    })
    this.current = built.head
    return ok({ commit: { cid: built.commit.cid.toString(), rev }, results })
  }

  /**
   * Appends events that need no commit (`#account`, `#identity`), each built for
   * the same timestamp, in one transaction with `alsoRun`. Serialized with writes.
   */
  appendEvents(events: (time: string) => OutboxEvent[], alsoRun: () => void = () => {}): Promise<void> {
    return this.exclusive(async () => {
      const now = this.now()
      this.deps.transaction(() => {
        alsoRun()
        for (const e of events(now)) this.deps.outbox.append(e, now)
      })
    })
  }

  /**
   * Re-signs the head (same data, next rev) and announces it with `#sync` after
   * `before` events: for activation and key changes, where no diff applies.
   */
  resign(before: (time: string) => OutboxEvent[], alsoRun: () => void = () => {}): Promise<void> {
    return this.exclusive(async () => {
      const now = this.now()
      const resigned = await resignHead(this.current, this.deps.keypair, now)
      this.deps.transaction(() => {
        alsoRun()
        for (const e of before(now)) this.deps.outbox.append(e, now)
        this.deps.blocks.applyCommitSync(resigned.commit, Date.parse(now))
        this.deps.outbox.append(resigned.event, now)
      })
      this.current = resigned.head
    })
  }

  /**
   * Replaces the whole repo (importRepo) in the write queue: `swap` persists the new state
   * in its own transaction and returns the new commit's CID, or a refusal; the head then
   * moves to that commit. No event is appended: imports happen while deactivated, and
   * activation announces the new state with `#sync`.
   */
  replaceRepo(swap: (head: RepoHead) => Promise<Result<Cid, RepoCode>>): Promise<Result<RepoHead, RepoCode>> {
    return this.exclusive(async () => {
      const swapped = await swap(this.current)
      if (!swapped.ok) return swapped
      this.current = await loadHead(this.deps.blocks, swapped.value)
      return ok(this.current)
    })
  }

  private now(): string {
    return isoNow(this.deps.clock ?? systemClock)
  }

  /**
   * Turns inputs into concrete creates, updates and deletes against the current tree: the
   * in-memory MST answers what each path holds (the record index says the same, from SQL).
   */
  private async resolve(
    head: RepoHead,
    inputs: WriteInput[],
  ): Promise<Result<{ writes: PreparedWrite[]; results: WriteResult[] }, RepoCode>> {
    const did = head.did
    const seen = new Set<string>()
    const writes: PreparedWrite[] = []
    const results: WriteResult[] = []
    for (const w of inputs) {
      const path = `${w.collection}/${w.rkey}`
      if (seen.has(path)) return err('InvalidRequest', `More than one write to ${path} in one commit`)
      seen.add(path)
      const prev = await head.data.get(path)
      const prevString = prev?.toString() ?? null
      if ('swapRecord' in w && w.swapRecord !== undefined && prevString !== w.swapRecord) {
        return err('InvalidSwap', `Record was at ${prevString ?? 'null'}`)
      }
      const uri = `at://${did}/${path}`
      if (w.action === 'delete') {
        if (prev) writes.push({ action: 'delete', collection: w.collection, rkey: w.rkey, prev })
        else if (!w.ifExists) return err('InvalidRequest', `Could not find record: ${path}`)
        results.push({ action: 'delete', uri, cid: null })
        continue
      }
      if (w.action === 'create' && prev) return err('InvalidRequest', `Record already exists: ${path}`)
      if (w.action === 'update' && !prev) return err('InvalidRequest', `Could not find record: ${path}`)
      const lacking = this.deps.blobRefs?.missing(blobCids(w)) ?? []
      if (lacking.length > 0) return err('InvalidRequest', `Could not find blob: ${lacking.join(', ')}`)
      const cid = parseCid(w.cid)
      const action = prev ? 'update' : 'create'
      results.push({ action, uri, cid: w.cid })
      // An unchanged record needs no commit, as in the reference PDS.
      if (!prev?.equals(cid))
        writes.push({ action, collection: w.collection, rkey: w.rkey, cid, bytes: w.bytes, prev })
    }
    return ok({ writes, results })
  }
}

const blobCids = (w: WriteInput): readonly string[] => (w.action === 'delete' ? [] : (w.blobs ?? []))

async function loadHead(blocks: BlockStore, commitCid: Cid): Promise<RepoHead> {
  const commit = await blocks.readObj(commitCid, def.commit)
  return {
    did: commit.did,
    cid: commitCid,
    rev: commit.rev,
    data: await MST.load(blocks, commit.data),
    dataCid: commit.data,
  }
}
