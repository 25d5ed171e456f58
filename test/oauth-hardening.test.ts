import { env } from 'cloudflare:test'
import { afterEach, describe, expect, it } from 'vitest'
import { accountStub } from '../src/actors/account'
import { resetAccountActor } from './helpers/account-actor'
import { DpopKey, oauthSession, TestOAuthClient } from './helpers/oauth-client'
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
