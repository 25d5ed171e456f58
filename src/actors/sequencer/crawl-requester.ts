/** Relays forget hosts that stay quiet; the reference PDS asks again at most every 20 minutes. */
export const CRAWL_INTERVAL_MS = 20 * 60 * 1000

/**
 * Calls `com.atproto.sync.requestCrawl` on each relay when events flow, at most
 * once per interval, so relays (which never discover hosts on their own) subscribe.
 */
export class CrawlRequester {
  private lastRequest = Number.NEGATIVE_INFINITY

  constructor(
    private readonly relays: readonly string[],
    private readonly hostname: string,
    private readonly fetcher: typeof fetch,
    private readonly onError: (relay: string, error: unknown) => void,
    /** Told of each request started, for the status page. */
    private readonly onSent: (relay: string, at: number) => void = () => {},
  ) {}

  /** Returns the requests it started (empty when it was too soon or there are no relays). */
  maybeRequest(now: number): Promise<void>[] {
    if (this.relays.length === 0 || now - this.lastRequest < CRAWL_INTERVAL_MS) return []
    this.lastRequest = now
    return this.relays.map((relay) => {
      this.onSent(relay, now)
      return this.request(relay)
    })
  }

  private async request(relay: string): Promise<void> {
    try {
      const url = new URL('/xrpc/com.atproto.sync.requestCrawl', relay)
      const res = await this.fetcher(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hostname: this.hostname }),
        signal: AbortSignal.timeout(10_000),
      })
      if (!res.ok) this.onError(relay, new Error(`HTTP ${res.status}`))
      await res.body?.cancel()
    } catch (e) {
      this.onError(relay, e)
    }
  }
}
