import { env } from 'cloudflare:test'
import {
  oauthAuthorizationServerMetadataSchema,
  oauthProtectedResourceMetadataSchema,
} from '@atproto/oauth-types'
import { afterEach, describe, expect, it } from 'vitest'
import { configFor } from '../src/worker/config-cache'
import { authorizationFlow } from '../src/worker/oauth/flow'
import { moveAccountClock, resetAccountActor } from './helpers/account-actor'
import { BASE_URL, OWNER, workerFetch } from './helpers/client'
import { DpopKey, freshNonce, sha256, TestOAuthClient, type TokenSet } from './helpers/oauth-client'
import { OAUTH_TEST_CLIENTS } from './helpers/oauth-test-clients'

const SCOPE = 'atproto transition:generic'
const flow = () => authorizationFlow(env, configFor(env))

/** Asserts an RFC 6749 error answer: status, `{error, error_description}` and a DPoP-Nonce. */
async function expectOAuthError(res: Response, status: number, error: string): Promise<string> {
  const text = await res.text()
  expect(res.status, text).toBe(status)
  const body = JSON.parse(text) as { error: string; error_description: string }
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description'])
  expect(body.error, text).toBe(error)
  expect(res.headers.get('dpop-nonce')).toBeTruthy()
  return body.error_description
}

async function tokens(res: Response): Promise<TokenSet> {
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as TokenSet
}

afterEach(() => resetAccountActor())

describe('OAuth metadata', () => {
  it('serves authorization server metadata the oauth-types schema accepts, with the atproto fields', async () => {
    const res = await workerFetch(`${BASE_URL}/.well-known/oauth-authorization-server`)
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    const body = oauthAuthorizationServerMetadataSchema.parse(await res.json())
    expect(body).toMatchObject({
      issuer: BASE_URL,
      require_pushed_authorization_requests: true,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
      pushed_authorization_request_endpoint: `${BASE_URL}/oauth/par`,
      authorization_endpoint: `${BASE_URL}/oauth/authorize`,
      token_endpoint: `${BASE_URL}/oauth/token`,
      revocation_endpoint: `${BASE_URL}/oauth/revoke`,
      protected_resources: [BASE_URL],
    })
    expect(body.dpop_signing_alg_values_supported).toContain('ES256')
    expect(body.token_endpoint_auth_signing_alg_values_supported).toContain('ES256')
    expect(body.scopes_supported).toEqual(
      expect.arrayContaining(['atproto', 'transition:generic', 'transition:chat.bsky', 'transition:email']),
    )
  })

  it('serves protected resource metadata naming itself as the authorization server', async () => {
    const res = await workerFetch(`${BASE_URL}/.well-known/oauth-protected-resource`)
    expect(res.status).toBe(200)
    const body = oauthProtectedResourceMetadataSchema.parse(await res.json())
    expect(body.resource).toBe(BASE_URL)
    expect(body.authorization_servers).toEqual([BASE_URL])
  })
})

describe('PAR', () => {
  it('needs a server nonce first: 400 use_dpop_nonce with DPoP-Nonce, then 201', async () => {
    const client = await TestOAuthClient.create()
    const key = client.key
    const proof = await key.proof('POST', `${BASE_URL}/oauth/par`, { nonce: null })
    const form = {
      client_id: client.clientId,
      response_type: 'code',
      redirect_uri: client.redirectUri,
      scope: SCOPE,
      code_challenge: await sha256('v'.repeat(50)),
      code_challenge_method: 'S256',
    }
    await expectOAuthError(await client.post('/oauth/par', form, { proof }), 400, 'use_dpop_nonce')
    const pushed = await client.par(SCOPE)
    expect(pushed.response.status).toBe(201)
    expect(pushed.requestUri).toMatch(/^urn:ietf:params:oauth:request_uri:/)
    expect(pushed.body.expires_in).toBeGreaterThan(200)
    expect(pushed.body.expires_in).toBeLessThanOrEqual(300)
  })

  it('refuses a stale nonce with use_dpop_nonce', async () => {
    const client = await TestOAuthClient.create()
    const res = await client.post('/oauth/par', await client.clientFields(), {
      overrides: { nonce: 'not-a-nonce-this-server-gave' },
      noRetry: true,
    })
    await expectOAuthError(res, 400, 'use_dpop_nonce')
  })

  it('refuses a request without a DPoP proof', async () => {
    const client = await TestOAuthClient.create()
    await expectOAuthError(
      await client.post('/oauth/par', await client.clientFields(), { proof: null }),
      400,
      'invalid_dpop_proof',
    )
  })

  it('refuses missing PKCE, plain PKCE, a foreign redirect_uri, a scope without atproto and another response_type', async () => {
    const client = await TestOAuthClient.create()
    const cases: [Record<string, string | undefined>, string][] = [
      [{ code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
      [{ code_challenge_method: 'plain', code_challenge: 'p'.repeat(50) }, 'invalid_request'],
      [{ code_challenge_method: undefined }, 'invalid_request'],
      [{ redirect_uri: 'https://evil.test/callback' }, 'invalid_request'],
      [{ scope: 'transition:generic' }, 'invalid_scope'],
      [{ scope: 'atproto transition:chat.bsky' }, 'invalid_scope'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
    ]
    for (const [params, error] of cases) {
      const { response } = await client.par(SCOPE, params)
      await expectOAuthError(response, 400, error)
    }
  })

  it('refuses a DPoP proof for another method, another URL, or of another type', async () => {
    const client = await TestOAuthClient.create()
    const nonce = await freshNonce()
    for (const overrides of [
      { htm: 'GET', nonce },
      { htu: `${BASE_URL}/oauth/token`, nonce },
      { typ: 'jwt', nonce },
      { iat: Math.floor(Date.now() / 1000) - 600, nonce },
    ]) {
      const res = await client.post('/oauth/par', await client.clientFields(), { overrides, noRetry: true })
      await expectOAuthError(res, 400, 'invalid_dpop_proof')
    }
  })

  it('refuses a DPoP proof used twice', async () => {
    const client = await TestOAuthClient.create()
    const nonce = await freshNonce()
    const proof = await client.key.proof('POST', `${BASE_URL}/oauth/par`, { nonce })
    const form = {
      ...(await client.clientFields()),
      response_type: 'code',
      redirect_uri: client.redirectUri,
      scope: SCOPE,
      code_challenge: await sha256('w'.repeat(50)),
      code_challenge_method: 'S256',
    }
    expect((await client.post('/oauth/par', form, { proof })).status).toBe(201)
    const again = await expectOAuthError(
      await client.post('/oauth/par', form, { proof }),
      400,
      'invalid_dpop_proof',
    )
    expect(again).toMatch(/replay/i)
  })
})

describe('authorization code grant', () => {
  it('issues DPoP tokens for the approved code: token_type DPoP, scope, sub, a refresh token', async () => {
    const client = await TestOAuthClient.create()
    const { code, codeVerifier, redirect, state } = await client.authorize(SCOPE)
    expect(redirect.origin + redirect.pathname).toBe(client.redirectUri)
    expect(redirect.searchParams.get('state')).toBe(state)
    expect(redirect.searchParams.get('iss')).toBe(BASE_URL)
    const res = await client.exchange(code, codeVerifier)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const t = await tokens(res)
    expect(t).toMatchObject({ token_type: 'DPoP', scope: SCOPE, sub: OWNER.did })
    expect(t.expires_in).toBeGreaterThan(3500)
    expect(t.expires_in).toBeLessThanOrEqual(3600)
    expect(t.refresh_token).toMatch(/^ref-/)
  })

  it('puts the code in the fragment for response_mode=fragment', async () => {
    const client = await TestOAuthClient.create()
    const { code, codeVerifier, redirect } = await client.authorize(SCOPE, { response_mode: 'fragment' })
    expect(redirect.search).toBe('')
    expect(new URLSearchParams(redirect.hash.slice(1)).get('iss')).toBe(BASE_URL)
    await tokens(await client.exchange(code, codeVerifier))
  })

  it('refuses a wrong verifier, and the code is used up by the attempt', async () => {
    const client = await TestOAuthClient.create()
    const { code, codeVerifier } = await client.authorize(SCOPE)
    await expectOAuthError(await client.exchange(code, `${codeVerifier}x`), 400, 'invalid_grant')
    await expectOAuthError(await client.exchange(code, codeVerifier), 400, 'invalid_grant')
  })

  it('refuses another redirect_uri than the request named', async () => {
    const client = await TestOAuthClient.create()
    const { code, codeVerifier } = await client.authorize(SCOPE)
    const res = await client.exchange(code, codeVerifier, { redirect_uri: 'https://client.test/other' })
    await expectOAuthError(res, 400, 'invalid_grant')
  })

  it('refuses the code with another DPoP key than the request was bound to', async () => {
    const client = await TestOAuthClient.create()
    const { code, codeVerifier } = await client.authorize(SCOPE)
    const thief = await TestOAuthClient.create('public', await DpopKey.generate())
    await expectOAuthError(await thief.exchange(code, codeVerifier), 400, 'invalid_dpop_proof')
  })

  it('refuses a reused code and revokes the tokens it issued', async () => {
    const client = await TestOAuthClient.create()
    const { code, codeVerifier } = await client.authorize(SCOPE)
    const first = await tokens(await client.exchange(code, codeVerifier))
    expect((await client.xrpc(first.access_token, 'com.atproto.server.getSession')).status).toBe(200)
    await expectOAuthError(await client.exchange(code, codeVerifier), 400, 'invalid_grant')
    const after = await client.xrpc(first.access_token, 'com.atproto.server.getSession')
    expect(after.status).toBe(401)
    expect(after.headers.get('www-authenticate')).toContain('invalid_token')
    await expectOAuthError(await client.refresh(first.refresh_token ?? ''), 400, 'invalid_grant')
  })

  it('refuses an expired code', async () => {
    const client = await TestOAuthClient.create()
    const { code, codeVerifier } = await client.authorize(SCOPE)
    await moveAccountClock(61_000)
    await expectOAuthError(await client.exchange(code, codeVerifier), 400, 'invalid_grant')
  })
})

describe('refresh token grant', () => {
  it('rotates: the new refresh token works, the old one revokes the session', async () => {
    const client = await TestOAuthClient.create()
    const { code, codeVerifier } = await client.authorize(SCOPE)
    const first = await tokens(await client.exchange(code, codeVerifier))
    const second = await tokens(await client.refresh(first.refresh_token ?? ''))
    expect(second.refresh_token).not.toBe(first.refresh_token)
    expect(second.access_token).not.toBe(first.access_token)
    expect((await client.xrpc(second.access_token, 'com.atproto.server.getSession')).status).toBe(200)

    // The replaced token again: a stolen copy. The whole grant goes.
    await expectOAuthError(await client.refresh(first.refresh_token ?? ''), 400, 'invalid_grant')
    await expectOAuthError(await client.refresh(second.refresh_token ?? ''), 400, 'invalid_grant')
    expect((await client.xrpc(second.access_token, 'com.atproto.server.getSession')).status).toBe(401)
  })

  it('refuses a refresh with another DPoP key', async () => {
    const client = await TestOAuthClient.create()
    const { code, codeVerifier } = await client.authorize(SCOPE)
    const t = await tokens(await client.exchange(code, codeVerifier))
    const thief = await TestOAuthClient.create('public', await DpopKey.generate())
    await expectOAuthError(await thief.refresh(t.refresh_token ?? ''), 400, 'invalid_dpop_proof')
  })

  it('ends a public client session after two weeks', async () => {
    const client = await TestOAuthClient.create()
    const { code, codeVerifier } = await client.authorize(SCOPE)
    const t = await tokens(await client.exchange(code, codeVerifier))
    await moveAccountClock(14 * 86_400_000 + 1000)
    await expectOAuthError(await client.refresh(t.refresh_token ?? ''), 400, 'invalid_grant')
  })
})

describe('confidential client (private_key_jwt)', () => {
  it('authenticates with a client assertion and gets tokens', async () => {
    const client = await TestOAuthClient.create('confidential')
    const { code, codeVerifier } = await client.authorize(SCOPE)
    const t = await tokens(await client.exchange(code, codeVerifier))
    await tokens(await client.refresh(t.refresh_token ?? ''))
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
    expect((await client.post('/oauth/revoke', { token: 'nonsense' })).status).toBe(200)
    expect((await client.post('/oauth/revoke', { token: t.access_token })).status).toBe(200)
    expect((await client.xrpc(t.access_token, 'com.atproto.server.getSession')).status).toBe(401)
    await expectOAuthError(await client.refresh(t.refresh_token ?? ''), 400, 'invalid_grant')

    const other = await client.authorize(SCOPE)
    const t2 = await tokens(await client.exchange(other.code, other.codeVerifier))
    expect((await client.post('/oauth/revoke', { token: t2.refresh_token ?? '' })).status).toBe(200)
    expect((await client.xrpc(t2.access_token, 'com.atproto.server.getSession')).status).toBe(401)
  })
})
