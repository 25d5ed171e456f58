import { Firehose } from '@atproto/sync'
import { localIdResolver } from './id-resolver'

/** One op as `@atproto/sync` delivered it after verifying the commit's proofs. */
export type FirehoseOp = { action: string; path: string; cid: string | null }

/**
 * `@atproto/sync`'s `Firehose`, authenticated: every `#commit` is checked with
 * `verifyProofs` against the `#atproto` key of the DID document it resolves (did:web
 * over http on localhost); an op that does not verify is dropped by the library, so the
 * caller compares what arrived with what was written. Errors are collected, not thrown.
 * Handles are not resolved (`unauthenticatedHandles`): that needs DNS, which this
 * machine must not use; the suite checks the handle through the PDS instead.
 */
export class VerifiedFirehose {
  readonly opsBySeq = new Map<number, FirehoseOp[]>()
  readonly errors: string[] = []
  readonly otherEvents: { seq: number; event: string }[] = []
  lastSeq: number | undefined
  private readonly firehose: Firehose
  private running: Promise<void> = Promise.resolve()

  constructor(baseUrl: string, cursor: number) {
    this.firehose = new Firehose({
      service: baseUrl.replace(/^http/, 'ws'),
      idResolver: localIdResolver(),
      getCursor: () => this.lastSeq ?? cursor,
      unauthenticatedHandles: true,
      subscriptionReconnectDelay: 250,
      maxReconnectSeconds: 1,
      heartbeatIntervalMs: 1_000,
      handleEvent: (evt) => {
        this.lastSeq = evt.seq
        if (evt.event === 'create' || evt.event === 'update' || evt.event === 'delete') {
          const op = {
            action: evt.event,
            path: `${evt.collection}/${evt.rkey}`,
            cid: evt.event === 'delete' ? null : evt.cid.toString(),
          }
          const ops = this.opsBySeq.get(evt.seq) ?? []
          // A cursor of the last seq must never bring an op back.
          if (ops.some((o) => o.path === op.path))
            this.errors.push(`seq ${evt.seq} ${op.path} delivered twice`)
          this.opsBySeq.set(evt.seq, [...ops, op])
        } else this.otherEvents.push({ seq: evt.seq, event: evt.event })
      },
      onError: (err) => {
        // Reconnects after the server went away are expected; anything else is a finding.
        if (err.name === 'FirehoseSubscriptionError') return
        this.errors.push(`${err.name}: ${err.message}${err.cause ? ` (${String(err.cause)})` : ''}`)
      },
    })
  }

  start(): void {
    this.running = this.firehose.start()
  }

  async stop(): Promise<void> {
    await this.firehose.destroy()
    await this.running
  }
}
