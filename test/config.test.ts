import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { parseConfig, type RawSettings } from '../src/shared/config'
import { app } from '../src/worker/app'
import { TEST_BINDINGS } from './helpers/test-identity'

const GOOD: RawSettings = { ...TEST_BINDINGS }

const messageFor = (patch: Partial<Record<keyof RawSettings, string | undefined>>): string => {
  const result = parseConfig({ ...GOOD, ...patch })
  if (result.ok) throw new Error(`expected ${JSON.stringify(patch)} to be refused`)
  expect(result.error).toBe('InvalidConfig')
  return result.message
}

const required = ['PDS_HOSTNAME', 'DID', 'HANDLE', 'SIGNING_KEY', 'PASSWORD', 'JWT_SECRET'] as const

describe('parseConfig', () => {
  it('accepts the test identity and derives the public URL and service DID', () => {
    const result = parseConfig(GOOD)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value).toMatchObject({
      hostname: 'pds.test',
      publicUrl: 'https://pds.test',
      serviceDid: 'did:web:pds.test',
      did: GOOD.DID,
      handle: GOOD.HANDLE,
      signingKeyHex: GOOD.SIGNING_KEY,
      authToken: GOOD.AUTH_TOKEN,
    })
  })

  it('uses http and a percent-encoded port for localhost', () => {
    const result = parseConfig({ ...GOOD, PDS_HOSTNAME: 'localhost:8787' })
    expect(result.ok && result.value.publicUrl).toBe('http://localhost:8787')
    expect(result.ok && result.value.serviceDid).toBe('did:web:localhost%3A8787')
  })

  it('normalises the handle and key to lower case and treats AUTH_TOKEN as optional', () => {
    const result = parseConfig({
      ...GOOD,
      HANDLE: 'Alice.PDS.Test',
      SIGNING_KEY: GOOD.SIGNING_KEY?.toUpperCase(),
      AUTH_TOKEN: undefined,
    })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.value.handle).toBe('alice.pds.test')
    expect(result.value.signingKeyHex).toBe(GOOD.SIGNING_KEY)
    expect(result.value.authToken).toBeNull()
  })

  it.each(required)('names %s when it is missing, empty or blank', (name) => {
    for (const value of [undefined, '']) expect(messageFor({ [name]: value })).toContain(name)
    if (name !== 'PASSWORD' && name !== 'JWT_SECRET') expect(messageFor({ [name]: '   ' })).toContain(name)
  })

  it.each([
    ['PDS_HOSTNAME', 'https://pds.test'],
    ['PDS_HOSTNAME', 'pds test'],
    ['DID', 'not-a-did'],
    ['DID', 'did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme'],
    ['HANDLE', 'not a handle'],
    ['HANDLE', 'nodots'],
    ['SIGNING_KEY', 'abc123'],
    ['SIGNING_KEY', 'z'.repeat(64)],
    ['JWT_SECRET', 'short'],
  ] as const)('names %s when it is malformed (%j)', (name, value) => {
    expect(messageFor({ [name]: value })).toContain(name)
  })

  it('does not echo a malformed secret in the message', () => {
    const key = 'g'.repeat(64)
    expect(messageFor({ SIGNING_KEY: key })).not.toContain(key)
    expect(messageFor({ JWT_SECRET: 'tiny-secret' })).not.toContain('tiny-secret')
  })
})

describe('a broken setting at the Worker', () => {
  const describeServer = () => new Request('https://pds.test/xrpc/com.atproto.server.describeServer')

  it.each([
    ['DID', { DID: undefined }],
    ['HANDLE', { HANDLE: 'not a handle' }],
    ['SIGNING_KEY', { SIGNING_KEY: 'abc' }],
  ])('reports %s at the first request as a 500 JSON error without a stack', async (name, patch) => {
    const res = await app.fetch(describeServer(), { ...env, ...patch })
    expect(res.status).toBe(500)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await res.json()) as { error: string; message: string }
    expect(Object.keys(body).sort()).toEqual(['error', 'message'])
    expect(body.message).toContain(name)
    expect(body.message).not.toMatch(/\n\s+at /)
    expect(JSON.stringify(body)).not.toMatch(/\.ts:\d+|\.js:\d+/)
  })

  it('also reports it on the landing page', async () => {
    const res = await app.fetch(new Request('https://pds.test/'), { ...env, PDS_HOSTNAME: undefined })
    expect(res.status).toBe(500)
    expect(((await res.json()) as { message: string }).message).toContain('PDS_HOSTNAME')
  })

  it('serves again once given a good environment', async () => {
    await app.fetch(describeServer(), { ...env, DID: undefined })
    const res = await app.fetch(describeServer(), { ...env })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { did: string }).did).toBe('did:web:pds.test')
  })
})
