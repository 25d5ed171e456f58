import { afterEach, describe, expect, it } from 'vitest'
import { resetAccountActor } from './helpers/account-actor'
import { DpopKey, TestOAuthClient } from './helpers/oauth-client'
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
