import { describe, expect, it } from 'vitest'
import { OWNER } from './helpers/client'
import { callAs, freshAgent, login, PASSWORD } from './helpers/session'
import { STAND_IN } from './helpers/stand-in-services'
import { expectXrpcError } from './helpers/xrpc-expect'

/** What the stand-in saw, after it verified the service JWT. */
type Echo = {
  service: string
  method: string
  query: string
  claims: Record<string, unknown>
  headers: Record<string, string>
  body: string | null
}

async function echoOf(res: Response): Promise<Echo> {
  const text = await res.text()
  expect(res.status, text).toBe(200)
  return JSON.parse(text) as Echo
}

const proxyHeader = (did: string, service: string) => ({ 'atproto-proxy': `${did}${service}` })

describe('AppView proxy', () => {
  it('sends app.bsky.* to the configured AppView with a verified service JWT (bare aud, lxm = method)', async () => {
    const s = await login()
    const echo = await echoOf(
      await callAs(s.accessJwt, 'app.bsky.feed.getTimeline', { query: { limit: '5', cursor: 'a b' } }),
    )
    expect(echo.service).toBe(STAND_IN.appView.did)
    expect(echo.method).toBe('GET')
    expect(echo.query).toBe('?limit=5&cursor=a+b')
    expect(echo.claims).toMatchObject({
      iss: OWNER.did,
      aud: STAND_IN.appView.did,
      lxm: 'app.bsky.feed.getTimeline',
    })
    expect(Number(echo.claims.exp) - Number(echo.claims.iat)).toBeLessThanOrEqual(60)
  })

  it('passes only the allowed request headers', async () => {
    const s = await login()
    const echo = await echoOf(
      await callAs(s.accessJwt, 'app.bsky.feed.getTimeline', {
        headers: {
          'accept-language': 'fr, en;q=0.5',
          'atproto-accept-labelers': 'did:plc:ar7c4by46qjdydhdevvrndac;redact',
          'x-bsky-topics': 'dev,art',
          cookie: 'session=secret',
          'x-forwarded-for': '203.0.113.9',
          'x-custom': 'nope',
        },
      }),
    )
    expect(echo.headers['accept-language']).toBe('fr, en;q=0.5')
    expect(echo.headers['atproto-accept-labelers']).toBe('did:plc:ar7c4by46qjdydhdevvrndac;redact')
    expect(echo.headers['x-bsky-topics']).toBe('dev,art')
    expect(echo.headers.cookie).toBeUndefined()
    expect(echo.headers['x-custom']).toBeUndefined()
    expect(echo.headers.authorization).not.toContain(s.accessJwt)
  })

  it('passes back only the allowed response headers', async () => {
    const res = await callAs(OWNER.authToken, 'app.bsky.feed.getTimeline')
    expect(res.status).toBe(200)
    expect(res.headers.get('atproto-repo-rev')).toBe('3standinrev22')
    expect(res.headers.get('atproto-content-labelers')).toBe('did:plc:standinlabeler')
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.headers.get('content-language')).toBe('en')
    expect(res.headers.get('x-upstream-secret')).toBeNull()
    expect(res.headers.get('set-cookie')).toBeNull()
  })

  it('streams a procedure body through with its content type', async () => {
    const s = await login()
    const payload = { interactions: [{ item: 'at://x/y/z', event: 'app.bsky.feed.defs#interactionLike' }] }
    const echo = await echoOf(await callAs(s.accessJwt, 'app.bsky.feed.sendInteractions', { body: payload }))
    expect(echo.method).toBe('POST')
    expect(echo.headers['content-type']).toBe('application/json')
    expect(JSON.parse(echo.body ?? '')).toEqual(payload)
  })

  it('follows atproto-proxy to another did:web service', async () => {
    const echo = await echoOf(
      await callAs(OWNER.authToken, 'com.example.labels.echo', {
        headers: proxyHeader(STAND_IN.labeler.did, STAND_IN.labeler.service),
      }),
    )
    expect(echo.service).toBe(STAND_IN.labeler.did)
    expect(echo.claims).toMatchObject({ aud: STAND_IN.labeler.did, lxm: 'com.example.labels.echo' })
  })

  it('resolves a did:plc target through PLC_URL', async () => {
    const echo = await echoOf(
      await callAs(OWNER.authToken, 'com.atproto.label.echo', {
        headers: proxyHeader(STAND_IN.plcService.did, STAND_IN.plcService.service),
      }),
    )
    expect(echo.claims.aud).toBe(STAND_IN.plcService.did)
  })

  it('answers local methods itself, whatever atproto-proxy says', async () => {
    const res = await callAs(null, 'com.atproto.server.describeServer', {
      headers: proxyHeader(STAND_IN.appView.did, STAND_IN.appView.service),
    })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { did: string }).did).toBe('did:web:pds.test')
  })

  it('works for AtpAgent with the app-style proxy header on every call', async () => {
    const agent = freshAgent()
    await agent.login({ identifier: OWNER.handle, password: PASSWORD })
    const proxied = agent.withProxy('bsky_appview', STAND_IN.appView.did)
    const profile = await proxied.app.bsky.actor.getProfile({ actor: OWNER.did })
    expect((profile.data as unknown as Echo).claims.lxm).toBe('app.bsky.actor.getProfile')
    const prefs = await proxied.app.bsky.actor.getPreferences()
    expect(Array.isArray(prefs.data.preferences)).toBe(true)
  })
})

describe('chat proxy', () => {
  it('sends chat.bsky.* to the chat service for a full-access session', async () => {
    const s = await login()
    const echo = await echoOf(await callAs(s.accessJwt, 'chat.bsky.convo.listConvos'))
    expect(echo.claims).toMatchObject({ aud: STAND_IN.chat.did, lxm: 'chat.bsky.convo.listConvos' })
  })

  it('refuses chat for a non-privileged app password and allows a privileged one', async () => {
    const make = async (privileged: boolean) => {
      const res = await callAs(OWNER.authToken, 'com.atproto.server.createAppPassword', {
        body: { name: `chat-${privileged}-${crypto.randomUUID().slice(0, 8)}`, privileged },
      })
      return login(((await res.json()) as { password: string }).password)
    }
    const plain = await make(false)
    const denied = await callAs(plain.accessJwt, 'chat.bsky.convo.listConvos')
    expect((await expectXrpcError(denied, 400, 'InvalidToken')).message).toBe('Bad token method')
    const privileged = await make(true)
    expect((await echoOf(await callAs(privileged.accessJwt, 'chat.bsky.convo.listConvos'))).service).toBe(
      STAND_IN.chat.did,
    )
  })
})

describe('proxy errors', () => {
  it('maps an upstream 500 to 502 UpstreamFailure', async () => {
    const body = await expectXrpcError(
      await callAs(OWNER.authToken, 'app.bsky.test.fail'),
      502,
      'UpstreamFailure',
    )
    expect(body.message).toBe('stand-in failure')
  })

  it('passes an upstream 4xx error through with its allowed headers', async () => {
    const res = await callAs(OWNER.authToken, 'app.bsky.test.reject')
    expect(res.headers.get('retry-after')).toBe('3')
    expect(res.headers.get('x-secret')).toBeNull()
    const body = await expectXrpcError(res, 400, 'NotFound')
    expect(body.message).toBe('stand-in says no')
  })

  it("passes the upstream's 501 for a method it does not know", async () => {
    await expectXrpcError(
      await callAs(OWNER.authToken, 'app.bsky.feed.noSuchMethod'),
      501,
      'MethodNotImplemented',
    )
  })

  it('keeps 501 for an unknown NSID with no target', async () => {
    await expectXrpcError(await callAs(OWNER.authToken, 'com.example.nothing'), 501, 'MethodNotImplemented')
  })

  it('requires owner auth', async () => {
    const res = await callAs(null, 'app.bsky.feed.getTimeline')
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
    await expectXrpcError(res, 401, 'AuthenticationRequired')
    await expectXrpcError(await callAs('garbage', 'app.bsky.feed.getTimeline'), 400, 'InvalidToken')
  })

  it('never proxies protected account-management methods', async () => {
    const res = await callAs(OWNER.authToken, 'com.atproto.server.requestAccountDelete', {
      body: {},
      headers: proxyHeader(STAND_IN.appView.did, STAND_IN.appView.service),
    })
    await expectXrpcError(res, 400, 'InvalidToken')
  })

  it.each([
    ['no service id', STAND_IN.appView.did],
    ['an empty service id', `${STAND_IN.appView.did}#`],
    ['no DID', '#bsky_appview'],
    ['two #', `${STAND_IN.appView.did}#a#b`],
    ['a space', `${STAND_IN.appView.did} #bsky_appview`],
    ['not a DID', 'appview.test#bsky_appview'],
  ])('refuses an atproto-proxy header with %s: 400', async (_name, header) => {
    const res = await callAs(OWNER.authToken, 'app.bsky.feed.getTimeline', {
      headers: { 'atproto-proxy': header },
    })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })

  it.each([
    ['an http endpoint', `${STAND_IN.insecureDid}#bsky_appview`],
    ['a loopback endpoint', `${STAND_IN.loopbackDid}#bsky_appview`],
    ['a DID without a document', `${STAND_IN.missingDid}#bsky_appview`],
    ['a service the document lacks', `${STAND_IN.appView.did}#no_such_service`],
    ['a did:web on localhost', 'did:web:localhost%3A8080#bsky_appview'],
  ])('refuses %s as target: 400', async (_name, header) => {
    const res = await callAs(OWNER.authToken, 'app.bsky.feed.getTimeline', {
      headers: { 'atproto-proxy': header },
    })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })

  it('refuses methods other than GET and POST', async () => {
    await expectXrpcError(
      await callAs(OWNER.authToken, 'app.bsky.feed.getTimeline', { method: 'PUT' }),
      400,
      'InvalidRequest',
    )
  })
})
