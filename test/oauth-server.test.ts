import {
  oauthAuthorizationServerMetadataSchema,
  oauthProtectedResourceMetadataSchema,
} from '@atproto/oauth-types'
import { afterEach, describe, expect, it } from 'vitest'
import { moveAccountClock, resetAccountActor } from './helpers/account-actor'
import { BASE_URL, OWNER, workerFetch } from './helpers/client'
import { DpopKey, freshNonce, sha256, TestOAuthClient, type TokenSet } from './helpers/oauth-client'
import { expectOAuthError, tokens } from './helpers/oauth-expect'

const SCOPE = 'atproto transition:generic'

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

  it('lets only one of two concurrent exchanges of a code through, and then revokes it', async () => {
    const client = await TestOAuthClient.create()
    const { code, codeVerifier } = await client.authorize(SCOPE)
    const answers = await Promise.all([
      client.exchange(code, codeVerifier),
      client.exchange(code, codeVerifier),
    ])
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400])
    const winner = answers.find((r) => r.status === 200) as Response
    const t = (await winner.json()) as TokenSet
    expect((await client.xrpc(t.access_token, 'com.atproto.server.getSession')).status).toBe(401)
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
