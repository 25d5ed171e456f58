import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { configFor } from '../src/worker/config-cache'
import { createOAuthAccessToken } from '../src/worker/oauth/access-token'
import { BASE_URL, OWNER } from './helpers/client'
import { DpopKey, freshNonce, oauthSession } from './helpers/oauth-client'
import { callAs } from './helpers/session'
import { expectXrpcError } from './helpers/xrpc-expect'

const GET_SESSION = 'com.atproto.server.getSession'

/** Asserts the resource server's DPoP refusal: 401, the challenge naming `error`, a nonce. */
async function expectDpopRefusal(res: Response, error: string): Promise<void> {
  expect(res.status, await res.clone().text()).toBe(401)
  expect(res.headers.get('www-authenticate')).toMatch(new RegExp(`^DPoP .*error="${error}"`))
  expect(res.headers.get('dpop-nonce')).toBeTruthy()
  const body = (await res.json()) as { error: string; message: string }
  expect(typeof body.error).toBe('string')
  expect(typeof body.message).toBe('string')
}

describe('DPoP access at the resource server', () => {
  it('names the DPoP scheme and its algs when no credential is sent', async () => {
    const res = await callAs(null, GET_SESSION)
    expect(res.status).toBe(401)
    const challenge = res.headers.get('www-authenticate') ?? ''
    expect(challenge).toMatch(/^Bearer/)
    expect(challenge).toMatch(/DPoP algs="[^"]*\bES256\b[^"]*"/)
  })

  it('accepts the access token with its proof, and every answer carries a DPoP-Nonce', async () => {
    const s = await oauthSession()
    const res = await s.fetchXrpc(GET_SESSION)
    expect(res.status, await res.clone().text()).toBe(200)
    expect(res.headers.get('dpop-nonce')).toBeTruthy()
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({ did: OWNER.did, handle: OWNER.handle })
  })

  it('shows the email fields only with transition:email', async () => {
    const without = await (
      await (await oauthSession('atproto transition:generic')).fetchXrpc(GET_SESSION)
    ).json()
    expect(without).not.toHaveProperty('emailConfirmed')
    expect(without).not.toHaveProperty('email')
    const withEmail = await (
      await (await oauthSession('atproto transition:email')).fetchXrpc(GET_SESSION)
    ).json()
    expect(withEmail).toHaveProperty('emailConfirmed')
  })

  it('keeps working across a refresh with the new access token', async () => {
    const s = await oauthSession()
    await s.refresh()
    expect((await s.fetchXrpc(GET_SESSION)).status).toBe(200)
  })

  it('refuses a stale nonce with use_dpop_nonce, and the retry with the given nonce passes', async () => {
    const s = await oauthSession()
    const stale = await s.fetchXrpc(GET_SESSION, { overrides: { nonce: 'stale' }, noRetry: true })
    await expectDpopRefusal(stale, 'use_dpop_nonce')
    expect((await s.fetchXrpc(GET_SESSION)).status).toBe(200)
  })

  it('refuses a proof with a wrong ath, htu or htm', async () => {
    const s = await oauthSession()
    const nonce = await freshNonce()
    for (const overrides of [
      { ath: 'AAAA', nonce },
      { htu: `${BASE_URL}/xrpc/com.atproto.server.describeServer`, nonce },
      { htm: 'POST', nonce },
    ]) {
      await expectDpopRefusal(
        await s.fetchXrpc(GET_SESSION, { overrides, noRetry: true }),
        'invalid_dpop_proof',
      )
    }
  })

  it('refuses a proof used twice', async () => {
    const s = await oauthSession()
    const jti = `fixed-${Math.random()}`
    const nonce = await freshNonce()
    expect((await s.fetchXrpc(GET_SESSION, { overrides: { jti, nonce }, noRetry: true })).status).toBe(200)
    await expectDpopRefusal(
      await s.fetchXrpc(GET_SESSION, { overrides: { jti, nonce }, noRetry: true }),
      'invalid_dpop_proof',
    )
  })

  it('refuses the token with a proof of another key', async () => {
    const s = await oauthSession()
    const res = await s.fetchXrpc(GET_SESSION, { key: await DpopKey.generate() })
    await expectDpopRefusal(res, 'invalid_dpop_proof')
  })

  it('refuses the scheme without a proof', async () => {
    const s = await oauthSession()
    const res = await callAs(null, GET_SESSION, {
      headers: { authorization: `DPoP ${s.tokens.access_token}` },
    })
    await expectDpopRefusal(res, 'invalid_dpop_proof')
  })

  it('refuses an expired access token with invalid_token', async () => {
    const s = await oauthSession()
    const expired = await createOAuthAccessToken(configFor(env), {
      scope: s.tokens.scope,
      clientId: s.client.clientId,
      grantId: 'grant-whatever',
      jkt: await s.client.key.thumbprint(),
      expiresAt: Date.now() - 1000,
      now: Date.now() - 3_600_000,
    })
    await expectDpopRefusal(await s.client.xrpc(expired, GET_SESSION), 'invalid_token')
  })

  it('refuses a DPoP-bound token sent as Bearer', async () => {
    const s = await oauthSession()
    const res = await callAs(s.tokens.access_token, GET_SESSION)
    await expectXrpcError(res, 401, 'InvalidToken')
  })

  it('refuses refreshSession for an OAuth session (401 AuthMissing)', async () => {
    const s = await oauthSession()
    await expectXrpcError(
      await s.fetchXrpc('com.atproto.server.refreshSession', { method: 'POST' }),
      401,
      'AuthMissing',
    )
  })

  it('is not full access: app passwords and the grant list are refused', async () => {
    const s = await oauthSession()
    const res = await s.fetchXrpc('com.atproto.server.createAppPassword', { body: { name: 'from-oauth' } })
    // As the reference PDS: 403, no permission covers these methods.
    await expectXrpcError(res, 403, 'Forbidden')
    await expectXrpcError(await s.fetchXrpc('dev.edgepds.oauth.listGrants'), 403, 'Forbidden')
  })
})

describe('dev.edgepds.oauth grant methods', () => {
  it('lists the grant to the owner and revokes it', async () => {
    const s = await oauthSession()
    const listed = await callAs(OWNER.authToken, 'dev.edgepds.oauth.listGrants')
    expect(listed.status).toBe(200)
    const { grants } = (await listed.json()) as {
      grants: { grantId: string; client: { clientId: string } }[]
    }
    const claims = JSON.parse(atob(s.tokens.access_token.split('.')[1] ?? ''))
    const mine = grants.find((g) => g.grantId === claims.sid)
    expect(mine?.client.clientId).toBe(s.client.clientId)
    const revoked = await callAs(OWNER.authToken, 'dev.edgepds.oauth.revokeGrant', {
      body: { grantId: mine?.grantId },
    })
    expect(revoked.status).toBe(200)
    await expectDpopRefusal(await s.fetchXrpc(GET_SESSION), 'invalid_token')
    await expectXrpcError(
      await callAs(OWNER.authToken, 'dev.edgepds.oauth.revokeGrant', { body: {} }),
      400,
      'InvalidRequest',
    )
  })

  it('revokeAllSessions ends OAuth sessions too', async () => {
    const s = await oauthSession()
    expect((await callAs(OWNER.authToken, 'dev.edgepds.server.revokeAllSessions', { body: {} })).status).toBe(
      200,
    )
    await expectDpopRefusal(await s.fetchXrpc(GET_SESSION), 'invalid_token')
    await expect(s.refresh()).rejects.toThrow(/invalid_grant/)
  })
})
