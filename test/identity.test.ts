import { Secp256k1Keypair } from '@atproto/crypto'
import { describe, expect, it } from 'vitest'
import { agent, BASE_URL, OWNER, workerFetch, xrpc } from './helpers/client'
import { expectXrpcError } from './helpers/xrpc-expect'

type DidDoc = {
  '@context': string[]
  id: string
  alsoKnownAs: string[]
  verificationMethod: { id: string; type: string; controller: string; publicKeyMultibase: string }[]
  service: { id: string; type: string; serviceEndpoint: string }[]
}

/** The owner's key as a did:key, computed here rather than by the code under test. */
const expectedDidKey = async (): Promise<string> => (await Secp256k1Keypair.import(OWNER.signingKeyHex)).did()

describe('/.well-known/did.json', () => {
  it('serves the did:web document with the #atproto key and #atproto_pds service', async () => {
    const res = await workerFetch(`${BASE_URL}/.well-known/did.json`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const doc = (await res.json()) as DidDoc
    expect(doc.id).toBe(OWNER.did)
    expect(doc['@context']).toContain('https://www.w3.org/ns/did/v1')
    expect(doc.alsoKnownAs).toEqual([`at://${OWNER.handle}`])

    const didKey = await expectedDidKey()
    expect(didKey).toMatch(/^did:key:zQ3s/)
    expect(doc.verificationMethod).toEqual([
      {
        id: `${OWNER.did}#atproto`,
        type: 'Multikey',
        controller: OWNER.did,
        publicKeyMultibase: didKey.slice('did:key:'.length),
      },
    ])
    expect(doc.service).toEqual([
      { id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: 'https://pds.test' },
    ])
  })
})

describe('/.well-known/atproto-did', () => {
  it.each([OWNER.hostname, OWNER.handle])('answers the DID as text on host %s', async (host) => {
    const res = await workerFetch(`https://${host}/.well-known/atproto-did`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await res.text()).toBe(OWNER.did)
  })

  it('answers 404 for a host that is not the owner handle', async () => {
    const res = await workerFetch('https://bob.pds.test/.well-known/atproto-did')
    expect(res.status).toBe(404)
    expect(await res.text()).not.toContain(OWNER.did)
  })
})

describe('com.atproto.identity.resolveHandle', () => {
  it('resolves the owner handle to the DID', async () => {
    const res = await agent(false).com.atproto.identity.resolveHandle({ handle: OWNER.handle })
    expect(res.data).toEqual({ did: OWNER.did })
  })

  it('resolves the owner handle case-insensitively', async () => {
    const res = await agent(false).com.atproto.identity.resolveHandle({ handle: OWNER.handle.toUpperCase() })
    expect(res.data.did).toBe(OWNER.did)
  })

  it('answers 400 HandleNotFound for another handle', async () => {
    const res = await xrpc('com.atproto.identity.resolveHandle', {
      query: { handle: 'bob.example.com' },
      auth: false,
    })
    await expectXrpcError(res, 400, 'HandleNotFound')
  })

  it('answers 400 InvalidRequest without a handle', async () => {
    const res = await xrpc('com.atproto.identity.resolveHandle', { auth: false })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })
})

describe('com.atproto.server.describeServer', () => {
  it('describes the server with its own did:web and a domain list', async () => {
    const res = await agent(false).com.atproto.server.describeServer()
    expect(res.data.did).toBe('did:web:pds.test')
    expect(Array.isArray(res.data.availableUserDomains)).toBe(true)
  })
})

describe('/', () => {
  it('answers the status page naming the owner', async () => {
    const res = await workerFetch(`${BASE_URL}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const text = await res.text()
    expect(text).toContain(OWNER.handle)
    expect(text).toContain('/xrpc/')
  })
})

describe('CORS', () => {
  it('answers an XRPC preflight with * and the requested headers', async () => {
    const res = await workerFetch(`${BASE_URL}/xrpc/com.atproto.repo.createRecord`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://bsky.app',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, atproto-accept-labelers',
      },
    })
    expect(res.status).toBeLessThan(300)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/)
    expect(allowed).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'atproto-accept-labelers']),
    )
    expect((res.headers.get('access-control-allow-methods') ?? '').toUpperCase()).toContain('POST')
  })

  it.each(['/xrpc/com.atproto.server.describeServer', '/.well-known/did.json', '/.well-known/atproto-did'])(
    'allows any origin on GET %s',
    async (path) => {
      const res = await workerFetch(`${BASE_URL}${path}`, { headers: { origin: 'https://bsky.app' } })
      expect(res.status).toBe(200)
      expect(res.headers.get('access-control-allow-origin')).toBe('*')
    },
  )

  it('allows any origin on XRPC errors too', async () => {
    const res = await workerFetch(`${BASE_URL}/xrpc/com.example.notImplemented`, {
      headers: { origin: 'https://bsky.app' },
    })
    expect(res.status).toBe(501)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
  })
})
