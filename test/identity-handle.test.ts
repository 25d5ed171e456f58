import { decode } from '@atproto/lex-cbor'
import { afterAll, describe, expect, it } from 'vitest'
import { repoStub } from './helpers/actors'
import { agent, BASE_URL, OWNER, workerFetch, xrpc } from './helpers/client'
import { withOpenedRepo } from './helpers/opened-repo'
import { expectXrpcError } from './helpers/xrpc-expect'

const lastOutboxId = async () =>
  (await withOpenedRepo(repoStub(), (r) => r.outbox.read(0, 100_000))).at(-1)?.id ?? 0
const identityEventsAfter = async (id: number) =>
  (await withOpenedRepo(repoStub(), (r) => r.outbox.read(id, 1000)))
    .filter((e) => e.type === '#identity')
    .map((e) => decode(new Uint8Array(e.body)) as { did: string; handle: string })

const updateHandle = (handle: string) => xrpc('com.atproto.identity.updateHandle', { body: { handle } })

afterAll(async () => {
  // Other suites expect the configured handle.
  expect((await updateHandle(OWNER.handle)).status).toBe(200)
})

describe('com.atproto.identity.updateHandle (did:web)', () => {
  it('takes a handle that resolves over HTTPS: stores it, serves it, announces #identity', async () => {
    const before = await lastOutboxId()
    expect((await updateHandle('Web-Handle.test')).status).toBe(200)
    expect(await identityEventsAfter(before)).toEqual([
      expect.objectContaining({ did: OWNER.did, handle: 'web-handle.test' }),
    ])
    expect(await repoStub().handle()).toBe('web-handle.test')
    const doc = (await (await workerFetch(`${BASE_URL}/.well-known/did.json`)).json()) as {
      alsoKnownAs: string[]
    }
    expect(doc.alsoKnownAs).toEqual(['at://web-handle.test'])
    const session = await agent().com.atproto.server.getSession()
    expect(session.data.handle).toBe('web-handle.test')
    const resolved = await xrpc('com.atproto.identity.resolveHandle', {
      query: { handle: 'web-handle.test' },
    })
    expect(await resolved.json()).toEqual({ did: OWNER.did })
  })

  it('takes a handle whose _atproto TXT record (over DNS-over-HTTPS) names the DID', async () => {
    expect((await updateHandle('dns-handle.test')).status).toBe(200)
    expect(await repoStub().handle()).toBe('dns-handle.test')
  })

  it.each([
    ['stranger-handle.test', 'its well-known file names another DID'],
    ['wrong-dns.test', 'its TXT record names another DID'],
    ['nowhere.test', 'it does not resolve'],
  ])('refuses %s (%s) with 400 and keeps the handle', async (handle) => {
    const current = await repoStub().handle()
    const before = await lastOutboxId()
    const body = await expectXrpcError(await updateHandle(handle), 400, 'InvalidRequest')
    expect(body.message).toContain(`does not resolve to ${OWNER.did}`)
    expect(await repoStub().handle()).toBe(current)
    expect(await identityEventsAfter(before)).toEqual([])
  })

  it('refuses an invalid handle', async () => {
    await expectXrpcError(await updateHandle('not a handle'), 400, 'InvalidHandle')
  })
})
