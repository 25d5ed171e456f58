import { describe, expect, it } from 'vitest'
import {
  HEAL_INTERVAL_MS,
  MemoryRelayRecordStore,
  RelayHealth,
} from '../../src/actors/sequencer/relay-health'
import { ManualClock } from '../../src/shared/clock'

/** A stand-in relay: answers getHostStatus as told and records requestCrawl calls. */
function standInRelay(answer: () => Response) {
  const crawls: unknown[] = []
  const asked: string[] = []
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input))
    if (url.pathname === '/xrpc/com.atproto.sync.getHostStatus') {
      asked.push(url.searchParams.get('hostname') ?? '')
      return answer()
    }
    if (url.pathname === '/xrpc/com.atproto.sync.requestCrawl') {
      crawls.push(JSON.parse(String(init?.body)))
      return new Response('{}')
    }
    return new Response('', { status: 404 })
  }) as typeof fetch
  return { crawls, asked, fetcher }
}

const status = (s: string) => () => Response.json({ hostname: 'pds.example.com', seq: 7, status: s })
const notFound = () => Response.json({ error: 'HostNotFound', message: 'no such host' }, { status: 400 })

function setup(answer: () => Response) {
  const relay = standInRelay(answer)
  const clock = new ManualClock(1_000_000)
  const errors: string[] = []
  const health = new RelayHealth({
    relays: ['https://relay.test'],
    hostname: 'pds.example.com',
    fetch: relay.fetcher,
    clock,
    store: new MemoryRelayRecordStore(),
    onError: (_r, e) => errors.push(e),
  })
  return { relay, clock, health, errors }
}

describe('RelayHealth', () => {
  it.each(['offline', 'idle'])('sends requestCrawl when the relay says %s', async (s) => {
    const { relay, health } = setup(status(s))
    const [record] = await health.checkAll()
    expect(relay.asked).toEqual(['pds.example.com'])
    expect(relay.crawls).toEqual([{ hostname: 'pds.example.com' }])
    expect(record).toMatchObject({ status: s, checkedAt: 1_000_000, lastCrawlAt: 1_000_000, detail: 'seq 7' })
  })

  it.each([
    ['HostNotFound', notFound],
    ['a 404', () => new Response('not here', { status: 404 })],
  ])('sends requestCrawl when the host is unknown (%s)', async (_case, answer) => {
    const { relay, health } = setup(answer)
    const [record] = await health.checkAll()
    expect(relay.crawls).toHaveLength(1)
    expect(record?.status).toBe('unknown')
  })

  it.each(['active', 'throttled', 'banned'])('sends nothing when the relay says %s', async (s) => {
    const { relay, health } = setup(status(s))
    const [record] = await health.checkAll()
    expect(relay.crawls).toEqual([])
    expect(record).toMatchObject({ status: s, lastCrawlAt: null })
  })

  it('sends requestCrawl at most hourly per relay', async () => {
    const { relay, clock, health } = setup(status('offline'))
    await health.checkAll()
    clock.advance(HEAL_INTERVAL_MS - 1)
    await health.checkAll()
    expect(relay.crawls).toHaveLength(1)
    expect(health.records()[0]).toMatchObject({
      checkedAt: 1_000_000 + HEAL_INTERVAL_MS - 1,
      lastCrawlAt: 1_000_000,
    })
    clock.advance(1)
    await health.checkAll()
    expect(relay.crawls).toHaveLength(2)
  })

  it('counts a requestCrawl sent while events flow', async () => {
    const { relay, health } = setup(status('offline'))
    health.noteCrawl('https://relay.test', 1_000_000 - 10)
    await health.checkAll()
    expect(relay.crawls).toEqual([])
  })

  it('keeps an unusable answer as an error, without a request', async () => {
    const { relay, health, errors } = setup(() => new Response('oops', { status: 502 }))
    const [record] = await health.checkAll()
    expect(record).toMatchObject({ status: 'error', detail: 'HTTP 502' })
    expect(relay.crawls).toEqual([])
    expect(errors).toEqual(['getHostStatus: HTTP 502'])
  })

  it('lists every configured relay before the first check', () => {
    const { health } = setup(status('active'))
    expect(health.records()).toEqual([
      { relay: 'https://relay.test', status: null, checkedAt: null, detail: null, lastCrawlAt: null },
    ])
  })
})
