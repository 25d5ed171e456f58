import { env, runInDurableObject } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { accountStub } from '../src/actors/account'
import { resetAccountActor, setAccountLimits } from './helpers/account-actor'
import { BASE_URL, workerFetch } from './helpers/client'
import { DpopKey, oauthSession, sha256, TestOAuthClient } from './helpers/oauth-client'
import { expectOAuthError } from './helpers/oauth-expect'
import { TEST_CLIENT_PRIVATE_JWK } from './helpers/oauth-test-clients'

const SCOPE = 'atproto transition:generic'

afterEach(() => resetAccountActor())

describe('authorization server hardening', () => {
  it('refuses a client assertion signed by the DPoP key', async () => {
    const sameKey = await DpopKey.fromPrivateJwk(TEST_CLIENT_PRIVATE_JWK)
    const client = await TestOAuthClient.create('confidential', sameKey)
    const { response } = await client.par(SCOPE)
    const why = await expectOAuthError(response, 401, 'invalid_client')
    expect(why).toMatch(/DPoP key/)
  })
})

describe('refresh keeps the client authentication of the grant', () => {
  it('refuses a refresh as a public client or with another key id', async () => {
    const s = await oauthSession(SCOPE, { kind: 'confidential' })
    const account = accountStub(env)
    const base = {
      refreshToken: s.tokens.refresh_token ?? '',
      clientId: s.client.clientId,
      dpopJkt: await s.client.key.thumbprint(),
    }
    const downgrade = await account.oauthRefresh({ ...base, clientAuth: { method: 'none' } }, [])
    expect(downgrade).toMatchObject({ ok: false, error: 'InvalidClient' })
    const otherKid = await account.oauthRefresh(
      { ...base, clientAuth: { method: 'private_key_jwt', kid: 'another-key' } },
      [],
    )
    expect(otherKid).toMatchObject({ ok: false, error: 'InvalidClient' })
    // The grant itself still refreshes as it was made.
    await s.refresh()
  })
})

describe('revocation authenticates the client', () => {
  it("refuses an unauthenticated request and another client's token; still 200 for unknown tokens", async () => {
    const s = await oauthSession(SCOPE, { kind: 'confidential' })
    const client = s.client
    const refresh = s.tokens.refresh_token ?? ''
    // No client_id, and a confidential client without its assertion.
    await expectOAuthError(await client.post('/oauth/revoke', { token: refresh }), 400, 'invalid_request')
    await expectOAuthError(
      await client.post('/oauth/revoke', { client_id: client.clientId, token: refresh }),
      401,
      'invalid_client',
    )
    // Another client holding the token may not end the grant.
    const other = await TestOAuthClient.create('public')
    const foreign = await other.post('/oauth/revoke', { ...(await other.clientFields()), token: refresh })
    await expectOAuthError(foreign, 400, 'invalid_grant')
    expect((await s.fetchXrpc('com.atproto.server.getSession')).status).toBe(200)
    const unknown = await other.post('/oauth/revoke', {
      ...(await other.clientFields()),
      token: 'ref-unknown',
    })
    expect(unknown.status).toBe(200)
    // Its own client, authenticated, ends it.
    const own = await client.post('/oauth/revoke', { ...(await client.clientFields()), token: refresh })
    expect(own.status).toBe(200)
    expect((await s.fetchXrpc('com.atproto.server.getSession')).status).toBe(401)
  })
})

describe('PAR parameters', () => {
  it('refuses a request parameter given twice', async () => {
    const client = await TestOAuthClient.create()
    const form: [string, string][] = [
      ['client_id', client.clientId],
      ['response_type', 'code'],
      ['redirect_uri', client.redirectUri],
      ['scope', SCOPE],
      ['code_challenge', await sha256('v'.repeat(50))],
      ['code_challenge_method', 'S256'],
      ['state', 'first'],
      ['state', 'second'],
    ]
    const why = await expectOAuthError(await client.post('/oauth/par', form), 400, 'invalid_request')
    expect(why).toMatch(/"state" must be given once/)
    expect((await client.post('/oauth/par', form.slice(0, -1))).status).toBe(201)
  })

  it('refuses a code_challenge pushed before', async () => {
    const client = await TestOAuthClient.create()
    const challenge = await sha256('w'.repeat(50))
    expect((await client.par(SCOPE, { code_challenge: challenge })).response.status).toBe(201)
    const again = await client.par(SCOPE, { code_challenge: challenge })
    const why = await expectOAuthError(again.response, 400, 'invalid_request')
    expect(why).toMatch(/code_challenge/)
  })
})

describe('service JWTs minted with an OAuth token', () => {
  const PDS_DID = 'did:web:pds.test'
  const LXM = 'com.atproto.repo.uploadBlob'
  const mint = async (s: Awaited<ReturnType<typeof oauthSession>>) => {
    const res = await s.fetchXrpc('com.atproto.server.getServiceAuth', { query: { aud: PDS_DID, lxm: LXM } })
    expect(res.status, await res.clone().text()).toBe(200)
    return ((await res.json()) as { token: string }).token
  }
  const upload = (token: string) =>
    workerFetch(`${BASE_URL}/xrpc/${LXM}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(32).fill(7),
    })

  it('die with the grant', async () => {
    const s = await oauthSession(SCOPE)
    expect((await upload(await mint(s))).status).toBe(200)
    const minted = await mint(s)
    const revoke = await s.client.post('/oauth/revoke', {
      ...(await s.client.clientFields()),
      token: s.tokens.refresh_token ?? '',
    })
    expect(revoke.status).toBe(200)
    const res = await upload(minted)
    expect(res.status).toBe(401)
    expect(await res.text()).toMatch(/revoked/)
  })
})

describe('stored secrets', () => {
  it('keeps only SHA-256 of refresh tokens and codes, and they still work', async () => {
    const client = await TestOAuthClient.create()
    const { code, codeVerifier } = await client.authorize(SCOPE)
    const first = (await (await client.exchange(code, codeVerifier)).json()) as { refresh_token: string }
    const second = (await (await client.refresh(first.refresh_token)).json()) as { refresh_token: string }
    const dump = await runInDurableObject(accountStub(env), (_actor, state) =>
      ['oauth_requests', 'oauth_grants', 'oauth_used_refresh']
        .map((t) => JSON.stringify(state.storage.sql.exec(`SELECT * FROM ${t}`).toArray()))
        .join('\n'),
    )
    for (const secret of [code, first.refresh_token, second.refresh_token]) {
      expect(dump).not.toContain(secret)
      expect(dump).toContain(await sha256(secret))
    }
    // The replaced token is still recognised (and revokes the session).
    await expectOAuthError(await client.refresh(first.refresh_token), 400, 'invalid_grant')
    await expectOAuthError(await client.refresh(second.refresh_token), 400, 'invalid_grant')
  })
})

describe('per-address limit on the OAuth endpoints', () => {
  it('answers 429 with rate-limit headers past OAUTH_LIMIT_REQUESTS, per client IP', async () => {
    await setAccountLimits({ oauthRequests: [{ limit: 2, windowMs: 60_000 }] })
    const send = (ip: string) =>
      workerFetch(`${BASE_URL}/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': ip },
        body: new URLSearchParams({ token: 'x' }),
      })
    expect((await send('203.0.113.7')).status).toBe(400)
    expect((await send('203.0.113.7')).status).toBe(400)
    const limited = await send('203.0.113.7')
    expect(limited.status).toBe(429)
    expect(((await limited.json()) as { error: string }).error).toBe('rate_limit_exceeded')
    expect(limited.headers.get('retry-after')).toBeTruthy()
    expect((await send('203.0.113.8')).status).toBe(400)
  })
})
