import type { LexMap } from '@atproto/lex-data'
import { readCarWithRoot } from '@atproto/repo'
import { readSignedCommit } from '../../helpers/commit-signature'
import { invertSlice, type WireOp } from '../../helpers/op-inversion'
import { resolveAtprotoIdentity } from './atproto-key'
import { CommitRejectedError, type VerifiedCommit, verifyCommitEvent } from './commit-event'
import { parseFrame } from './frame'
import { RelayCounters, type RelayOptions, type SeenEvent } from './relay-options'
import { openRelaySocket, type RelaySocket } from './relay-socket'
import { RepoMirror } from './repo-mirror'
import { fetchRepoSnapshot } from './repo-snapshot'

const GET_REPO_ATTEMPTS = 5

/**
 * A strict sync v1.1 relay for one account, after indigo `cmd/relay` (and the stricter
 * downstream `cmd/tap` for chain breaks). Phases:
 * - dial: `subscribeRepos?cursor=<last processed seq>` (the initial cursor before any event);
 *   a dial that fails `maxDialFailures` times in a row marks the host offline and stops.
 * - stream: frames are decoded and checked in arrival order on one queue; `seq` must
 *   strictly increase across connections; each `#commit` is verified on its own
 *   (`verifyCommitEvent`) and then against the mirror: rev above the held rev (else it is
 *   dropped as stale), `since`/`prevData` chained, the ops inverted on the CAR slice
 *   give back the held MST root, and they fit the held records.
 * - resync: on a broken chain, or when the first commit seen is not the genesis
 *   (bootstrap), the mirror is replaced by a verified `getRepo`.
 * - closed by the server: drain the queue, wait, dial again from the last seq.
 * A fatal fault (text or oversize frame, missing pongs, a banned `Server` header) ends
 * the relay. Every deviation from the protocol lands in `problems`.
 */
export class StrictRelay {
  readonly seen: SeenEvent[] = []
  readonly problems: string[] = []
  readonly resyncs: { seq: number; reason: string }[] = []
  /** `getRepo` exports that failed verification (each was retried). */
  readonly getRepoFailures: string[] = []
  readonly cursorsUsed: (number | null)[] = []
  /** The ops of every verified commit, by seq (to compare with other consumers). */
  readonly commitOps = new Map<number, WireOp[]>()
  readonly counters = new RelayCounters()
  mirror: RepoMirror | null = null
  lastSeq: number | undefined
  private didKey = ''
  private socket: RelaySocket | null = null
  private queue: Promise<void> = Promise.resolve()
  private stopped = false
  private failed = false
  private loop: Promise<void> = Promise.resolve()

  constructor(readonly opts: RelayOptions) {}

  /** Whether a connection is open now. */
  get connected(): boolean {
    return this.socket?.stats.open ?? false
  }

  /** Pongs received over every connection so far. */
  get pongs(): number {
    return this.counters.pongs + (this.socket?.stats.pongs ?? 0)
  }

  /** The `Server` header of the latest upgrade response, if any. */
  get serverHeader(): string | null {
    return this.socket?.stats.serverHeader ?? null
  }

  /** Resolves the DID (key and PDS host) as a relay does for a new account, then streams. */
  async start(): Promise<void> {
    const identity = await resolveAtprotoIdentity(this.opts.did)
    if (new URL(identity.pdsEndpoint).host !== new URL(this.opts.baseUrl).host) {
      throw new Error(`#atproto_pds ${identity.pdsEndpoint} is not the streamed host ${this.opts.baseUrl}`)
    }
    this.didKey = identity.didKey
    this.loop = this.run()
  }

  /** Closes the connection and waits until the relay is idle. */
  async stop(): Promise<void> {
    this.stopped = true
    this.socket?.close()
    await this.loop
    await this.queue
  }

  /** Polls `done` until true; throws after `timeoutMs`, or at once if the relay failed. */
  async waitUntil(done: () => boolean, what: string, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!done()) {
      if (this.failed) throw new Error(`${this.opts.name} failed before ${what}: ${this.problems.join('; ')}`)
      if (Date.now() > deadline) throw new Error(`${this.opts.name}: no ${what} within ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  private problem(what: string): void {
    this.problems.push(`${this.opts.name}: ${what}`)
  }

  private async run(): Promise<void> {
    let dialFailures = 0
    while (!this.stopped && !this.failed) {
      const cursor = this.lastSeq ?? this.opts.cursor
      const url = new URL('/xrpc/com.atproto.sync.subscribeRepos', this.opts.baseUrl.replace(/^http/, 'ws'))
      if (cursor !== undefined) url.searchParams.set('cursor', String(cursor))
      this.cursorsUsed.push(cursor ?? null)
      const socket = openRelaySocket(url.toString(), this.opts, (bytes) => this.enqueue(bytes))
      this.socket = socket
      const end = await socket.ended
      this.counters.pongs += socket.stats.pongs
      socket.stats.pongs = 0
      await this.queue
      if (end.kind === 'fatal') {
        this.problem(`fatal: ${end.reason}`)
        this.failed = true
      } else if (end.kind === 'dial-failed') {
        this.cursorsUsed.pop()
        dialFailures += 1
        if (dialFailures >= this.opts.maxDialFailures) {
          this.problem(`host offline after ${dialFailures} failed dials (last: ${end.reason})`)
          this.failed = true
        }
      } else {
        dialFailures = 0
        this.counters.connections += 1
      }
      if (!this.stopped && !this.failed) await new Promise((r) => setTimeout(r, this.opts.reconnectDelayMs))
    }
  }

  private enqueue(bytes: Uint8Array): void {
    const socket = this.socket
    this.queue = this.queue
      .then(() => (this.failed || this.stopped ? undefined : this.handleFrame(bytes, socket)))
      .catch((e: Error) => {
        this.problem(`handler error: ${e.stack ?? e.message}`)
        this.failed = true
        socket?.fail('handler error')
      })
  }

  private async handleFrame(bytes: Uint8Array, socket: RelaySocket | null): Promise<void> {
    let frame: ReturnType<typeof parseFrame>
    try {
      frame = parseFrame(bytes)
    } catch (e) {
      socket?.fail((e as Error).message)
      return
    }
    this.counters.frame(frame.size)
    if (frame.kind === 'error') return this.problem(`error frame ${frame.error}: ${frame.message ?? ''}`)
    const { type, body } = frame
    const seq = body.seq
    if (typeof seq !== 'number') return this.problem(`${type} without a numeric seq`)
    if (this.lastSeq !== undefined && seq <= this.lastSeq)
      return this.problem(`seq ${seq} after ${this.lastSeq}`)
    const entry: SeenEvent = { seq, type }
    if (type === '#commit') entry.commit = await this.handleCommit(seq, body)
    else if (type === '#sync') await this.handleSync(seq, body)
    else if (type === '#identity' || type === '#account') {
      if (body.did !== this.opts.did) this.problem(`${type} seq ${seq} for ${String(body.did)}`)
      if (type === '#account' && body.active !== true) this.problem(`#account seq ${seq} inactive`)
    } else if (type === '#info') this.counters.infos.push(String(body.name))
    else this.problem(`unknown event type ${type}`)
    this.lastSeq = seq
    this.seen.push(entry)
  }

  /** Returns the commit CID as a string when the event passed the stateless checks. */
  private async handleCommit(seq: number, body: LexMap): Promise<string | undefined> {
    let v: VerifiedCommit
    try {
      v = await verifyCommitEvent(body, this.opts.did, this.didKey, Date.now())
    } catch (e) {
      if (!(e instanceof CommitRejectedError)) throw e
      this.problem(e.message)
      return undefined
    }
    const { event } = v
    this.commitOps.set(seq, event.ops)
    this.counters.commit(event.blocks.byteLength, event.ops.length)
    if (this.opts.loseCommit?.(seq)) {
      this.counters.lost += 1
      return event.commit.toString()
    }
    if (!this.mirror) {
      if (event.since === null && event.prevData === undefined) this.mirror = await RepoMirror.empty()
      else await this.resync(seq, 'bootstrap: the first commit seen is not the genesis')
    }
    const m = this.mirror as RepoMirror
    if (m.rev !== null && event.rev <= m.rev) {
      this.counters.stale += 1
      return event.commit.toString()
    }
    const chained = event.prevData ? event.prevData.equals(m.data) : m.rev === null
    if (event.since !== m.rev || !chained) {
      await this.resync(
        seq,
        `chain: since ${event.since} / prevData ${event.prevData} after ${m.rev} / ${m.data}`,
      )
      return event.commit.toString()
    }
    const restored = await invertSlice(v.blocks, v.commit.data, event.ops).catch((e: Error) => e)
    const fits = m.opsProblem(event.ops)
    if (restored instanceof Error || !restored.equals(m.data) || fits) {
      this.problem(
        `seq ${seq}: ${restored instanceof Error ? restored.message : `inverts to ${restored}`}; ${fits}`,
      )
      await this.resync(seq, 'ops do not invert to prevData')
      return event.commit.toString()
    }
    m.advance({ rev: event.rev, data: v.commit.data, cid: event.commit }, event.ops)
    this.counters.verified(event.ops.length)
    return event.commit.toString()
  }

  private async handleSync(seq: number, body: LexMap): Promise<void> {
    if (!(body.blocks instanceof Uint8Array)) return this.problem(`#sync seq ${seq} without blocks`)
    const { root, blocks } = await readCarWithRoot(body.blocks)
    const commit = await readSignedCommit(blocks, root, this.didKey)
    if (commit.did !== this.opts.did || commit.rev !== body.rev)
      return this.problem(`#sync seq ${seq} mismatch`)
    if (!this.mirror?.data.equals(commit.data)) await this.resync(seq, '#sync with other data')
  }

  /**
   * Replaces the mirror with a verified `getRepo`. An export that does not verify is
   * retried a few times, as a downstream consumer retries a desynchronized repo later;
   * each failure is kept in `getRepoFailures` so the suite can report it.
   */
  private async resync(seq: number, reason: string): Promise<void> {
    this.resyncs.push({ seq, reason })
    for (let attempt = 1; ; attempt++) {
      try {
        const snapshot = await fetchRepoSnapshot(this.opts.baseUrl, this.opts.did, this.didKey)
        this.mirror = RepoMirror.fromSnapshot(snapshot)
        return
      } catch (e) {
        this.getRepoFailures.push((e as Error).message)
        if (attempt >= GET_REPO_ATTEMPTS) throw e
        await new Promise((r) => setTimeout(r, 200))
      }
    }
  }
}
