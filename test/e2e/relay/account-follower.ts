import { IdResolver } from '@atproto/identity'
import { Firehose } from '@atproto/sync'
import { loopbackFetch } from '../harness/loopback-fetch'

/** One event of the account as a host sent it, and whether the relay took it. */
export type HostEvent = {
  host: string
  seq: number
  type: 'commit' | 'identity' | 'account' | 'sync'
  active?: boolean
  path?: string
  /** A relay takes an account's events only from the host its DID document names now. */
  fromCurrentHost: boolean
  /** Set once `fromCurrentHost` is known (the DID is resolved after the event is recorded). */
  resolved: boolean
}

/**
 * A relay following one account across hosts: `@atproto/sync`'s `Firehose` on every host
 * (commits verified against the DID's current `#atproto` key, resolved from the PLC
 * directory without a cache, so a key rotation is seen at once), and for each event of the
 * account whether the DID document names the host that sent it, as relays require.
 */
export class AccountFollower {
  readonly events: HostEvent[] = []
  readonly errors: string[] = []
  private readonly firehoses: Firehose[]
  private readonly running: Promise<void>[] = []
  private readonly resolver: IdResolver

  constructor(
    readonly did: string,
    hosts: string[],
    plcUrl: string,
  ) {
    this.resolver = new IdResolver({ fetch: loopbackFetch, plcUrl, timeout: 10_000 })
    this.firehoses = hosts.map((host) => {
      let cursor: number | undefined = 0
      return new Firehose({
        service: host.replace(/^http/, 'ws'),
        idResolver: this.resolver,
        getCursor: () => cursor,
        unauthenticatedHandles: true,
        subscriptionReconnectDelay: 250,
        handleEvent: async (evt) => {
          cursor = evt.seq
          if (evt.did !== this.did) return
          const type =
            evt.event === 'create' || evt.event === 'update' || evt.event === 'delete' ? 'commit' : evt.event
          // Recorded in arrival order; who the DID names is looked up right after.
          const event: HostEvent = {
            host,
            seq: evt.seq,
            type,
            ...(evt.event === 'account' ? { active: evt.active } : {}),
            ...(type === 'commit' && 'collection' in evt ? { path: `${evt.collection}/${evt.rkey}` } : {}),
            fromCurrentHost: false,
            resolved: false,
          }
          this.events.push(event)
          const data = await this.resolver.did.resolveAtprotoData(this.did, true)
          event.fromCurrentHost = new URL(data.pds).host === new URL(host).host
          event.resolved = true
        },
        onError: (err) => {
          if (err.name === 'FirehoseSubscriptionError') return
          this.errors.push(
            `${host}: ${err.name}: ${err.message}${err.cause ? ` (${String(err.cause)})` : ''}`,
          )
        },
      })
    })
  }

  start(): void {
    for (const f of this.firehoses) this.running.push(f.start())
  }

  async stop(): Promise<void> {
    await Promise.all(this.firehoses.map((f) => f.destroy()))
    await Promise.all(this.running)
  }

  /** The event types one host sent after position `from` in `events`, in order. */
  typesFrom(host: string, from: number): string[] {
    return this.events
      .slice(from)
      .filter((e) => e.host === host)
      .map((e) => (e.type === 'account' ? `account:${e.active ? 'active' : 'inactive'}` : e.type))
  }
}
