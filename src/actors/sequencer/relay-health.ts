import type { Clock } from '../../shared/clock'

/** At most one self-healing `requestCrawl` per relay per hour. */
export const HEAL_INTERVAL_MS = 60 * 60 * 1000

/**
 * What a relay last said of this host: a `com.atproto.sync.defs#hostStatus` value
 * (`active`, `idle`, `offline`, `throttled`, `banned`), `unknown` (404 or `HostNotFound`:
 * the relay has forgotten us), or `error` (no usable answer).
 */
export type HostStatus = 'active' | 'idle' | 'offline' | 'throttled' | 'banned' | 'unknown' | 'error'

/** One relay's row for the status page. Times are ms since the epoch. */
export type RelayRecord = {
  relay: string
  status: HostStatus | null
  checkedAt: number | null
  /** The answer's detail (`seq`, an error message), short. */
  detail: string | null
  lastCrawlAt: number | null
}

/** Where the last answers are kept (sequencer SQLite, or memory in tests). */
export interface RelayRecordStore {
  get(relay: string): RelayRecord | null
  put(record: RelayRecord): void
}

/**
 * Whether to ask again. Idle, offline and forgotten hosts are what `requestCrawl` mends;
 * `throttled` and `banned` are a relay operator's decision that a crawl request cannot
 * lift, so they are only reported; `error` says nothing about us, so no request either.
 */
export const needsCrawl = (status: HostStatus): boolean =>
  status === 'idle' || status === 'offline' || status === 'unknown'

const KNOWN = new Set<HostStatus>(['active', 'idle', 'offline', 'throttled', 'banned'])

export type RelayHealthDeps = {
  relays: readonly string[]
  hostname: string
  fetch: typeof fetch
  clock: Clock
  store: RelayRecordStore
  onError?: (relay: string, error: string) => void
}

/**
 * Self-healing crawl: relays drop hosts that went quiet, and never rediscover them. On each
 * check (the sequencer's hourly alarm) every relay is asked `getHostStatus` for this host;
 * when it no longer follows us, `requestCrawl` is sent, at most once per HEAL_INTERVAL_MS.
 */
export class RelayHealth {
  constructor(private readonly deps: RelayHealthDeps) {}

  /** Checks every relay; resolves when all are done (a failing relay does not stop the others). */
  async checkAll(): Promise<RelayRecord[]> {
    return Promise.all(this.deps.relays.map((r) => this.check(r)))
  }

  /** The kept rows, one per configured relay (empty fields before the first check). */
  records(): RelayRecord[] {
    return this.deps.relays.map(
      (relay) =>
        this.deps.store.get(relay) ?? {
          relay,
          status: null,
          checkedAt: null,
          detail: null,
          lastCrawlAt: null,
        },
    )
  }

  /** Notes a `requestCrawl` sent elsewhere (while events flow), for the status page. */
  noteCrawl(relay: string, at: number): void {
    const prev = this.deps.store.get(relay)
    this.deps.store.put({ relay, status: null, checkedAt: null, detail: null, ...prev, lastCrawlAt: at })
  }

  private async check(relay: string): Promise<RelayRecord> {
    const prev = this.deps.store.get(relay)
    const { status, detail } = await this.ask(relay)
    const now = this.deps.clock.now()
    let lastCrawlAt = prev?.lastCrawlAt ?? null
    if (needsCrawl(status) && (lastCrawlAt === null || now - lastCrawlAt >= HEAL_INTERVAL_MS)) {
      lastCrawlAt = now
      await this.requestCrawl(relay)
    }
    const record: RelayRecord = { relay, status, checkedAt: now, detail, lastCrawlAt }
    this.deps.store.put(record)
    return record
  }

  private async ask(relay: string): Promise<{ status: HostStatus; detail: string | null }> {
    try {
      const url = new URL('/xrpc/com.atproto.sync.getHostStatus', relay)
      url.searchParams.set('hostname', this.deps.hostname)
      const res = await this.deps.fetch(url, { signal: AbortSignal.timeout(10_000) })
      const body = (await res.json().catch(() => null)) as Record<string, unknown> | null
      if (res.status === 404 || body?.error === 'HostNotFound') return { status: 'unknown', detail: null }
      if (!res.ok) return this.failed(relay, `HTTP ${res.status}`)
      const status = body?.status
      if (typeof status !== 'string' || !KNOWN.has(status as HostStatus))
        return this.failed(relay, `unexpected status ${String(status).slice(0, 40)}`)
      return {
        status: status as HostStatus,
        detail: typeof body?.seq === 'number' ? `seq ${body.seq}` : null,
      }
    } catch (e) {
      return this.failed(relay, String(e).slice(0, 200))
    }
  }

  private failed(relay: string, detail: string): { status: HostStatus; detail: string } {
    this.deps.onError?.(relay, `getHostStatus: ${detail}`)
    return { status: 'error', detail }
  }

  private async requestCrawl(relay: string): Promise<void> {
    try {
      const res = await this.deps.fetch(new URL('/xrpc/com.atproto.sync.requestCrawl', relay), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hostname: this.deps.hostname }),
        signal: AbortSignal.timeout(10_000),
      })
      await res.body?.cancel()
      if (!res.ok) this.deps.onError?.(relay, `requestCrawl: HTTP ${res.status}`)
    } catch (e) {
      this.deps.onError?.(relay, `requestCrawl: ${String(e).slice(0, 200)}`)
    }
  }
}

/** Rows in memory (tests). */
export class MemoryRelayRecordStore implements RelayRecordStore {
  private readonly rows = new Map<string, RelayRecord>()
  get(relay: string): RelayRecord | null {
    return this.rows.get(relay) ?? null
  }
  put(record: RelayRecord): void {
    this.rows.set(record.relay, { ...record })
  }
}
