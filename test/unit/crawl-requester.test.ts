import { describe, expect, it } from 'vitest'
import { CRAWL_INTERVAL_MS, CrawlRequester } from '../../src/actors/sequencer/crawl-requester'

/** A fetch that records requests and answers 200, or fails for hosts named in `failing`. */
function recordingFetch(failing: string[] = []) {
  const calls: { url: string; body: unknown }[] = []
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input)
    calls.push({ url, body: JSON.parse(String(init?.body)) })
    if (failing.some((h) => url.includes(h))) throw new Error('unreachable')
    return new Response('{}')
  }) as typeof fetch
  return { calls, fetcher }
}

describe('CrawlRequester', () => {
  it('asks every relay once, then not again until the interval has passed', async () => {
    const { calls, fetcher } = recordingFetch()
    const errors: string[] = []
    const crawler = new CrawlRequester(
      ['https://relay.one', 'https://relay.two/'],
      'pds.example.com',
      fetcher,
      (r) => errors.push(r),
    )
    await Promise.all(crawler.maybeRequest(1_000))
    expect(calls).toEqual([
      { url: 'https://relay.one/xrpc/com.atproto.sync.requestCrawl', body: { hostname: 'pds.example.com' } },
      { url: 'https://relay.two/xrpc/com.atproto.sync.requestCrawl', body: { hostname: 'pds.example.com' } },
    ])
    expect(crawler.maybeRequest(1_000 + CRAWL_INTERVAL_MS - 1)).toEqual([])
    await Promise.all(crawler.maybeRequest(1_000 + CRAWL_INTERVAL_MS))
    expect(calls).toHaveLength(4)
    expect(errors).toEqual([])
  })

  it('reports a failing relay without affecting the others', async () => {
    const { calls, fetcher } = recordingFetch(['relay.down'])
    const errors: string[] = []
    const crawler = new CrawlRequester(
      ['https://relay.down', 'https://relay.up'],
      'pds.example.com',
      fetcher,
      (r) => errors.push(r),
    )
    await Promise.all(crawler.maybeRequest(0))
    expect(calls).toHaveLength(2)
    expect(errors).toEqual(['https://relay.down'])
  })

  it('does nothing without relays', () => {
    const { calls, fetcher } = recordingFetch()
    expect(new CrawlRequester([], 'pds.example.com', fetcher, () => {}).maybeRequest(0)).toEqual([])
    expect(calls).toEqual([])
  })
})
