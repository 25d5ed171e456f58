import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { configFor } from '../src/worker/config-cache'
import { authorizationFlow } from '../src/worker/oauth/flow'
import { moveAccountClock, resetAccountActor } from './helpers/account-actor'
import { BASE_URL } from './helpers/client'
import { sha256, TestOAuthClient } from './helpers/oauth-client'
import { expectOAuthError, tokens } from './helpers/oauth-expect'
import { OAUTH_TEST_CLIENTS } from './helpers/oauth-test-clients'

const SCOPE = 'atproto transition:generic'
const flow = () => authorizationFlow(env, configFor(env))

afterEach(() => resetAccountActor())

describe('confidential client (private_key_jwt)', () => {
  it('authenticates with a client assertion and gets tokens', async () => {
    const client = await TestOAuthClient.create('confidential')
    const { code, codeVerifier } = await client.authorize(SCOPE)
    const t = await tokens(await client.exchange(code, codeVerifier))
    await tokens(await client.refresh(t.refresh_token ?? ''))
  })

  it('finds the key at jwks_uri when the document does not carry it', async () => {
    const client = await TestOAuthClient.create('confidentialJwksUri')
    const { code, codeVerifier } = await client.authorize(SCOPE)
    await tokens(await client.exchange(code, codeVerifier))
  })

  it('refuses a replayed client assertion, a wrong audience and none at all', async () => {
    const client = await TestOAuthClient.create('confidential')
    const assertion = await client.clientAssertion()
    const fields = {
      client_id: client.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      response_type: 'code',
      redirect_uri: client.redirectUri,
      scope: SCOPE,
      code_challenge: await sha256('z'.repeat(50)),
      code_challenge_method: 'S256',
    }
    expect((await client.post('/oauth/par', fields)).status).toBe(201)
    const replay = await expectOAuthError(await client.post('/oauth/par', fields), 401, 'invalid_client')
    expect(replay).toMatch(/replay/i)
    const wrongAud = {
      ...fields,
      client_assertion: await client.clientAssertion({ aud: 'https://other.test' }),
    }
    await expectOAuthError(await client.post('/oauth/par', wrongAud), 401, 'invalid_client')
    const { client_assertion: _, ...none } = fields
    await expectOAuthError(await client.post('/oauth/par', none), 401, 'invalid_client')
  })
})

describe('client metadata documents', () => {
  const parFor = async (clientId: string) => {
    const client = await TestOAuthClient.create()
    return client.par(SCOPE, { client_id: clientId, redirect_uri: 'https://client.test/cb' })
  }

  it('refuses documents too big, invalid, naming another client_id, or redirecting', async () => {
    for (const id of [
      OAUTH_TEST_CLIENTS.big,
      OAUTH_TEST_CLIENTS.notDpop,
      OAUTH_TEST_CLIENTS.wrongId,
      OAUTH_TEST_CLIENTS.redirecting,
    ]) {
      const { response } = await parFor(id)
      const why = await expectOAuthError(response, 400, 'invalid_client_metadata')
      expect(why.length).toBeGreaterThan(0)
    }
  })

  it('refuses a document that takes longer than 3 s', async () => {
    const { response } = await parFor(OAUTH_TEST_CLIENTS.slow)
    expect(await expectOAuthError(response, 400, 'invalid_client_metadata')).toMatch(/in time/)
  }, 15_000)

  it('refuses client ids on private or loopback addresses and over http without fetching', async () => {
    for (const id of [
      'https://10.0.0.1/client.json',
      'https://[::1]/client.json',
      'http://client.test/public.json',
    ]) {
      const { response } = await parFor(id)
      expect(response.status, id).toBe(400)
      const body = (await response.json()) as { error: string }
      expect(['invalid_client_id', 'invalid_client_metadata', 'invalid_request']).toContain(body.error)
    }
  })

  it('accepts a loopback development client with a 127.0.0.1 redirect', async () => {
    const redirectUri = 'http://127.0.0.1:4321/callback'
    const clientId = `http://localhost?redirect_uri=${encodeURIComponent(redirectUri)}&scope=${encodeURIComponent(SCOPE)}`
    const client = await TestOAuthClient.create()
    const { response, requestUri } = await client.par(SCOPE, {
      client_id: clientId,
      redirect_uri: redirectUri,
    })
    expect(response.status, await response.clone().text()).toBe(201)
    const loaded = await flow().load(requestUri, clientId)
    expect(loaded.ok && loaded.value.client.loopback).toBe(true)
  })
})

describe('AuthorizationFlow', () => {
  it('loads the pending request for the pages, and not for another client', async () => {
    const client = await TestOAuthClient.create()
    const { requestUri } = await client.par(SCOPE)
    const loaded = await flow().load(requestUri, client.clientId)
    expect(loaded.ok).toBe(true)
    if (!loaded.ok) return
    expect(loaded.value).toMatchObject({
      requestUri,
      redirectUri: client.redirectUri,
      scope: SCOPE,
      loginHint: 'alice.pds.test',
      rememberedConsent: false,
      client: { clientId: client.clientId, name: 'Stand-in client', loopback: false },
    })
    expect((await flow().load(requestUri, OAUTH_TEST_CLIENTS.confidential.clientId)).ok).toBe(false)
  })

  it('deny redirects with access_denied, state and iss, and the request is gone', async () => {
    const client = await TestOAuthClient.create()
    const { requestUri, state } = await client.par(SCOPE)
    const denied = await flow().deny(requestUri)
    expect(denied.ok).toBe(true)
    if (!denied.ok) return
    const url = new URL(denied.value.redirectUrl)
    expect(url.searchParams.get('error')).toBe('access_denied')
    expect(url.searchParams.get('state')).toBe(state)
    expect(url.searchParams.get('iss')).toBe(BASE_URL)
    expect((await flow().approve(requestUri, { remember: false })).ok).toBe(false)
  })

  it('remembers consent when asked, and lists and revokes grants', async () => {
    const client = await TestOAuthClient.create()
    const first = await client.par(SCOPE)
    const approved = await flow().approve(first.requestUri, { remember: true })
    expect(approved.ok).toBe(true)
    const again = await client.par('atproto')
    const loaded = await flow().load(again.requestUri, client.clientId)
    expect(loaded.ok && loaded.value.rememberedConsent).toBe(true)

    const code = approved.ok ? (new URL(approved.value.redirectUrl).searchParams.get('code') ?? '') : ''
    const t = await tokens(await client.exchange(code, first.codeVerifier))
    const grants = await flow().listGrants()
    const mine = grants.find((g) => g.client.clientId === client.clientId && g.scope === SCOPE)
    expect(mine).toBeDefined()
    await flow().revokeGrant(mine?.grantId ?? '')
    expect((await client.xrpc(t.access_token, 'com.atproto.server.getSession')).status).toBe(401)
    const after = await client.par('atproto')
    const reloaded = await flow().load(after.requestUri, client.clientId)
    expect(reloaded.ok && reloaded.value.rememberedConsent).toBe(false)
  })

  it('refuses an expired request', async () => {
    const client = await TestOAuthClient.create()
    const { requestUri } = await client.par(SCOPE)
    await moveAccountClock(5 * 60_000 + 1000)
    expect((await flow().load(requestUri, client.clientId)).ok).toBe(false)
    expect((await flow().approve(requestUri, { remember: false })).ok).toBe(false)
  })
})

describe('revocation endpoint', () => {
  it('answers 200 for anything, and a revoked refresh or access token ends the session', async () => {
    const client = await TestOAuthClient.create()
    const { code, codeVerifier } = await client.authorize(SCOPE)
    const t = await tokens(await client.exchange(code, codeVerifier))
    const revoke = async (token: string) =>
      client.post('/oauth/revoke', { ...(await client.clientFields()), token })
    expect((await revoke('nonsense')).status).toBe(200)
    expect((await revoke(t.access_token)).status).toBe(200)
    expect((await client.xrpc(t.access_token, 'com.atproto.server.getSession')).status).toBe(401)
    await expectOAuthError(await client.refresh(t.refresh_token ?? ''), 400, 'invalid_grant')

    const other = await client.authorize(SCOPE)
    const t2 = await tokens(await client.exchange(other.code, other.codeVerifier))
    expect((await revoke(t2.refresh_token ?? '')).status).toBe(200)
    expect((await client.xrpc(t2.access_token, 'com.atproto.server.getSession')).status).toBe(401)
  })
})
