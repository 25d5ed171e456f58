import { describe, expect, it } from 'vitest'
import { parseConfig, type RawSettings } from '../../src/shared/config'
import { XRPCError } from '../../src/shared/xrpc-error'
import { DidResolver } from '../../src/worker/proxy/did-resolver'
import { checkPublicUrl } from '../../src/worker/proxy/endpoint-policy'
import { forwardXrpc } from '../../src/worker/proxy/forward'
import { parseProxyHeader, proxyTargetFor } from '../../src/worker/proxy/proxy-target'
import { TEST_BINDINGS } from '../helpers/test-identity'

async function xrpcErrorOf(p: Promise<unknown>): Promise<XRPCError> {
  try {
    await p
  } catch (e) {
    if (e instanceof XRPCError) return e
    throw e
  }
  throw new Error('expected an XRPCError')
}

const forwardInput = (fetch: typeof globalThis.fetch) => ({
  req: new Request('https://pds.test/xrpc/app.bsky.feed.getTimeline?limit=1'),
  endpoint: 'https://appview.example',
  nsid: 'app.bsky.feed.getTimeline',
  token: 'service-jwt',
  fetch,
  timeoutMs: 5,
})

describe('forwardXrpc', () => {
  it('answers 504 UpstreamTimeout when the upstream sends no headers in time', async () => {
    // Never answers; only the abort signal ends it, as a real fetch would.
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
      })
    const e = await xrpcErrorOf(forwardXrpc(forwardInput(hanging)))
    expect([e.status, e.error]).toEqual([504, 'UpstreamTimeout'])
  })

  it('answers 502 UpstreamFailure when the upstream cannot be reached', async () => {
    const failing: typeof fetch = async () => {
      throw new TypeError('connection refused')
    }
    const e = await xrpcErrorOf(forwardXrpc(forwardInput(failing)))
    expect([e.status, e.error]).toEqual([502, 'UpstreamFailure'])
  })

  it('answers 502 for an upstream redirect instead of following it', async () => {
    const redirecting: typeof fetch = async () =>
      new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } })
    const e = await xrpcErrorOf(forwardXrpc(forwardInput(redirecting)))
    expect(e.status).toBe(502)
  })

  it('sends the service JWT and the query to <endpoint>/xrpc/<nsid>', async () => {
    let seen: Request | null = null
    const recording: typeof fetch = async (input, init) => {
      seen = new Request(input as string, init)
      return Response.json({ ok: true })
    }
    const res = await forwardXrpc(forwardInput(recording))
    expect(res.status).toBe(200)
    const req = seen as unknown as Request
    expect(req.url).toBe('https://appview.example/xrpc/app.bsky.feed.getTimeline?limit=1')
    expect(req.headers.get('authorization')).toBe('Bearer service-jwt')
  })
})

describe('checkPublicUrl', () => {
  it.each([
    ['https://api.bsky.app', false, 'https://api.bsky.app'],
    ['https://api.bsky.app/', false, 'https://api.bsky.app'],
    ['http://localhost:2584', true, 'http://localhost:2584'],
    ['http://127.0.0.1:2584/', true, 'http://127.0.0.1:2584'],
  ])('accepts %s (insecure allowed: %s)', (url, allowInsecure, expected) => {
    expect(checkPublicUrl(url, allowInsecure)).toBe(expected)
  })

  it.each([
    'http://api.bsky.app',
    'https://localhost',
    'https://app.localhost',
    'https://127.0.0.1',
    'https://10.1.2.3',
    'https://192.168.1.1',
    'https://172.20.0.1',
    'https://169.254.169.254',
    'https://[::1]',
    'https://user:pw@api.bsky.app',
    'ftp://api.bsky.app',
    'not a url',
  ])('refuses %s unless insecure targets are allowed', (url) => {
    expect(() => checkPublicUrl(url, false)).toThrow(XRPCError)
  })
})

describe('DidResolver', () => {
  const doc = (did: string) => ({
    id: did,
    service: [{ id: '#bsky_appview', type: 'BskyAppView', serviceEndpoint: 'https://appview.example' }],
  })

  it('caches documents for the TTL, then fetches again', async () => {
    let now = 1_000
    const fetched: string[] = []
    const resolver = new DidResolver({
      fetch: async (input) => {
        fetched.push(String(input))
        return Response.json(doc('did:plc:aaaaaaaaaaaaaaaaaaaaaaaa'))
      },
      plcUrl: 'https://plc.example',
      allowInsecure: false,
      ttlMs: 60_000,
      now: () => now,
    })
    const did = 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa'
    expect(await resolver.serviceEndpoint(did, '#bsky_appview')).toBe('https://appview.example')
    now += 59_999
    await resolver.resolve(did)
    expect(fetched).toEqual([`https://plc.example/${encodeURIComponent(did)}`])
    now += 1
    await resolver.resolve(did)
    expect(fetched).toHaveLength(2)
  })

  it('does not cache failures and checks the document is for that DID', async () => {
    let calls = 0
    const resolver = new DidResolver({
      fetch: async () => {
        calls++
        return calls === 1
          ? new Response('nope', { status: 500 })
          : Response.json(doc('did:web:other.example'))
      },
      plcUrl: 'https://plc.example',
      allowInsecure: false,
    })
    await expect(resolver.resolve('did:web:appview.example')).rejects.toThrow(XRPCError)
    await expect(resolver.resolve('did:web:appview.example')).rejects.toThrow(XRPCError)
    expect(calls).toBe(2)
  })

  it('resolves did:web through https://<host>/.well-known/did.json and finds did#service ids too', async () => {
    const urls: string[] = []
    const resolver = new DidResolver({
      fetch: async (input) => {
        urls.push(String(input))
        return Response.json({
          id: 'did:web:appview.example',
          service: [
            {
              id: 'did:web:appview.example#bsky_appview',
              type: 'BskyAppView',
              serviceEndpoint: 'https://x.example',
            },
          ],
        })
      },
      plcUrl: 'https://plc.example',
      allowInsecure: false,
    })
    expect(await resolver.serviceEndpoint('did:web:appview.example', '#bsky_appview')).toBe(
      'https://x.example',
    )
    expect(urls).toEqual(['https://appview.example/.well-known/did.json'])
  })

  const resolverWith = (fetch: typeof globalThis.fetch) =>
    new DidResolver({ fetch, plcUrl: 'https://plc.example', allowInsecure: false })

  it('stops reading a document past 64 KB and refuses it: 400', async () => {
    let pulled = 0
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 4096
        controller.enqueue(new Uint8Array(4096).fill(0x20))
      },
    })
    const resolver = resolverWith(
      async () => new Response(endless, { headers: { 'content-type': 'application/json' } }),
    )
    const e = await xrpcErrorOf(resolver.resolve('did:web:appview.example'))
    expect([e.status, e.error]).toEqual([400, 'InvalidRequest'])
    expect(pulled).toBeLessThanOrEqual(64 * 1024 + 2 * 4096)
  })

  it.each([
    ['a service endpoint that is not a URL', { serviceEndpoint: 'not a url' }],
    ['a service without a type', { type: undefined }],
    ['a duplicate service id', null],
  ])('refuses a document with %s: 400', async (_name, change) => {
    const service = { ...doc('did:web:appview.example').service[0], ...change }
    const body = { id: 'did:web:appview.example', service: change ? [service] : [service, service] }
    const e = await xrpcErrorOf(
      resolverWith(async () => Response.json(body)).resolve('did:web:appview.example'),
    )
    expect([e.status, e.error]).toEqual([400, 'InvalidRequest'])
  })

  it('answers 502 UpstreamFailure when the DID host cannot be reached', async () => {
    const resolver = resolverWith(async () => {
      throw new TypeError('connection refused')
    })
    const e = await xrpcErrorOf(resolver.resolve('did:plc:aaaaaaaaaaaaaaaaaaaaaaaa'))
    expect([e.status, e.error]).toEqual([502, 'UpstreamFailure'])
  })

  it('refuses a redirect and a did:web with a path: 400', async () => {
    const redirecting = resolverWith(
      async () => new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } }),
    )
    expect((await xrpcErrorOf(redirecting.resolve('did:web:appview.example'))).status).toBe(400)
    const never = resolverWith(async () => {
      throw new Error('must not fetch')
    })
    expect((await xrpcErrorOf(never.resolve('did:web:appview.example:user:alice'))).status).toBe(400)
  })

  it('uses http for a localhost did:web only when insecure targets are allowed', async () => {
    const urls: string[] = []
    const make = (allowInsecure: boolean) =>
      new DidResolver({
        fetch: async (input) => {
          urls.push(String(input))
          return Response.json(doc('did:web:localhost%3A2584'))
        },
        plcUrl: 'https://plc.example',
        allowInsecure,
      })
    await expect(make(false).resolve('did:web:localhost%3A2584')).rejects.toThrow(XRPCError)
    await make(true).resolve('did:web:localhost%3A2584')
    expect(urls).toEqual(['http://localhost:2584/.well-known/did.json'])
  })
})

/** The proxy part of the config parsed from the test identity plus `settings`. */
function proxyConfig(settings: RawSettings) {
  const parsed = parseConfig({ ...TEST_BINDINGS, ...settings })
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.value.proxy
}

describe('proxy target', () => {
  const config = proxyConfig({})

  it('defaults to the Bluesky AppView and chat service', () => {
    expect(config.appView).toEqual({ did: 'did:web:api.bsky.app', serviceId: '#bsky_appview', url: null })
    expect(config.chat).toEqual({ did: 'did:web:api.bsky.chat', serviceId: '#bsky_chat', url: null })
    expect(config.plcUrl).toBe('https://plc.directory')
    expect(config.allowInsecure).toBe(false)
  })

  it('routes by header first, then by namespace', () => {
    expect(proxyTargetFor(null, 'app.bsky.feed.getTimeline', config)).toBe(config.appView)
    expect(proxyTargetFor(null, 'chat.bsky.convo.listConvos', config)).toBe(config.chat)
    expect(proxyTargetFor(null, 'com.example.foo', config)).toBeNull()
    expect(proxyTargetFor('did:web:x.example#svc', 'app.bsky.feed.getTimeline', config)).toEqual({
      did: 'did:web:x.example',
      serviceId: '#svc',
      url: null,
    })
  })

  it('uses a configured AppView URL without resolving', () => {
    const withUrl = proxyConfig({
      APPVIEW_DID: 'did:web:api.bsky.app',
      APPVIEW_URL: 'https://api.bsky.app/',
    })
    expect(withUrl.appView.url).toBe('https://api.bsky.app')
    expect(proxyTargetFor('did:web:api.bsky.app#bsky_appview', 'x.y.z', withUrl)?.url).toBe(
      'https://api.bsky.app',
    )
  })

  it('parses did#service headers', () => {
    expect(parseProxyHeader('did:plc:ar7c4by46qjdydhdevvrndac#atproto_labeler')).toEqual({
      did: 'did:plc:ar7c4by46qjdydhdevvrndac',
      serviceId: '#atproto_labeler',
    })
  })
})
