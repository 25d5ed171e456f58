import { lexicons } from '@atproto/api'
import { describe, expect, it } from 'vitest'
import pkg from '../package.json'
import { OWNER, workerFetch } from './helpers/client'
import { callAs, login } from './helpers/session'
import { STAND_IN, standInAnswer } from './helpers/stand-in-services'
import { expectXrpcError } from './helpers/xrpc-expect'

type Echo = {
  service: string
  claims: Record<string, unknown>
  headers: Record<string, string>
  body: string | null
}

/** Headers this PDS sets on every XRPC answer itself (CORS, hardening). */
const OWN_HEADERS = [
  'access-control-allow-origin',
  'access-control-expose-headers',
  'content-security-policy',
  'x-content-type-options',
]
/** Headers the runtime adds to any outbound fetch (not the PDS's choice). */
const RUNTIME_HEADERS = [
  'accept-encoding',
  'host',
  'cf-connecting-ip',
  'cf-ray',
  'cf-visitor',
  'x-forwarded-proto',
  'x-real-ip',
  'cf-worker',
]

const namesOf = (headers: Headers | Record<string, string>, drop: string[]) =>
  [...(headers instanceof Headers ? headers.keys() : Object.keys(headers))]
    .filter((n) => !drop.includes(n))
    .sort()

describe('proxy headers', () => {
  it('sends the upstream exactly the allowed request headers', async () => {
    const res = await callAs(OWNER.authToken, 'app.bsky.feed.getTimeline', {
      headers: {
        'accept-language': 'fr',
        'atproto-accept-labelers': 'did:plc:ar7c4by46qjdydhdevvrndac',
        'x-bsky-topics': 'dev',
        'user-agent': 'app',
        cookie: 'a=b',
        origin: 'https://bsky.app',
        'x-forwarded-for': '203.0.113.9',
      },
    })
    const echo = (await res.json()) as Echo
    expect(namesOf(echo.headers, RUNTIME_HEADERS)).toEqual([
      'accept-language',
      'atproto-accept-labelers',
      'authorization',
      'x-bsky-topics',
    ])
  })

  it.each([
    ['a pass-through answer', '3standinrev22'],
    ['a merged answer', null],
  ])('passes back exactly the allowed response headers on %s', async (_name, rev) => {
    const created = await callAs(OWNER.authToken, 'com.atproto.repo.createRecord', {
      body: {
        repo: OWNER.did,
        collection: 'app.bsky.feed.post',
        record: { text: 'h', createdAt: new Date().toISOString() },
      },
    })
    const commitRev = ((await created.json()) as { commit: { rev: string } }).commit.rev
    await callAs(OWNER.authToken, 'com.atproto.repo.createRecord', {
      body: {
        repo: OWNER.did,
        collection: 'app.bsky.feed.post',
        record: { text: 'i', createdAt: new Date().toISOString() },
      },
    })
    const res = await callAs(OWNER.authToken, 'app.bsky.feed.getTimeline', {
      query: standInAnswer(rev ?? commitRev, { feed: [] }),
    })
    expect(res.status).toBe(200)
    const merged = rev === null
    const expected = ['atproto-content-labelers', 'atproto-repo-rev', 'content-language', 'content-type']
    if (merged) expected.push('atproto-upstream-lag')
    // content-length is passed on when the upstream sends one and the body is not re-encoded.
    expect(namesOf(res.headers, [...OWN_HEADERS, 'content-length'])).toEqual(expected.sort())
    expect(((await res.json()) as { feed: unknown[] }).feed.length).toBe(merged ? 1 : 0)
  })
})

describe('push registration', () => {
  it.each(['app.bsky.notification.registerPush', 'app.bsky.notification.unregisterPush'])(
    '%s goes to the notification service named in the body, with a service JWT for it',
    async (nsid) => {
      const s = await login()
      const input = {
        serviceDid: STAND_IN.notif.did,
        token: 'device-token',
        platform: 'web',
        appId: 'xyz.blueskyweb.app',
      }
      const res = await callAs(s.accessJwt, nsid, { body: input })
      const text = await res.text()
      expect(res.status, text).toBe(200)
      // The stand-in verified the ES256K signature against the owner's did:key, iss and exp.
      const echo = JSON.parse(text) as Echo
      expect(echo.service).toBe(STAND_IN.notif.did)
      expect(echo.claims).toMatchObject({ iss: OWNER.did, aud: STAND_IN.notif.did, lxm: nsid })
      expect(JSON.parse(echo.body ?? '')).toEqual(input)
    },
  )

  it('refuses a body without a service DID', async () => {
    const res = await callAs(OWNER.authToken, 'app.bsky.notification.registerPush', { body: { token: 't' } })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })

  it('needs the owner', async () => {
    const res = await callAs(null, 'app.bsky.notification.registerPush', {
      body: { serviceDid: STAND_IN.notif.did },
    })
    await expectXrpcError(res, 401, 'AuthenticationRequired')
  })
})

describe('server information', () => {
  it('answers _health with the package version', async () => {
    const res = await workerFetch(`https://${OWNER.hostname}/xrpc/_health`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ version: pkg.version })
  })

  it('describeServer carries the configured links, contact and the upload limit', async () => {
    const res = await callAs(null, 'com.atproto.server.describeServer')
    const body = (await res.json()) as Record<string, unknown>
    lexicons.assertValidXrpcOutput('com.atproto.server.describeServer', body)
    expect(body).toMatchObject({
      did: 'did:web:pds.test',
      links: { privacyPolicy: 'https://pds.test/privacy', termsOfService: 'https://pds.test/terms' },
      contact: { email: 'admin@pds.test' },
      blobUploadLimit: 104_857_600,
    })
  })

  it.each([
    ['com.atproto.server.requestEmailUpdate', undefined],
    ['com.atproto.server.updateEmail', { email: 'a@b.c' }],
    ['com.atproto.server.requestEmailConfirmation', undefined],
    ['com.atproto.server.confirmEmail', { email: 'a@b.c', token: 't' }],
  ])('%s says email is not available on this server', async (nsid, body) => {
    const res = await callAs(OWNER.authToken, nsid, { method: 'POST', ...(body && { body }) })
    const err = await expectXrpcError(res, 400, 'InvalidRequest')
    expect(err.message).toMatch(/not available on this server/)
  })
})
