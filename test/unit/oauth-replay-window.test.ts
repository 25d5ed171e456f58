import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import type { OAuthClient } from '../../src/worker/oauth/client'
import { authenticateClient, CLIENT_ASSERTION_TYPE } from '../../src/worker/oauth/client-auth'
import { currentNonce } from '../../src/worker/oauth/dpop-nonce'
import { PROOF_IAT_WINDOW_S, verifyDpopProof } from '../../src/worker/oauth/dpop-proof'

const SECRET = 'unit-test-jwt-secret-0123456789'
const ISSUER = 'https://pds.test'
const NOW = 1_800_000_000_000
const iat = NOW / 1000

describe('single-use records outlive the acceptance window', () => {
  it('keeps a DPoP proof jti for twice the iat window', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const { kty, crv, x, y } = await exportJWK(publicKey)
    const url = `${ISSUER}/oauth/token`
    const proof = await new SignJWT({
      jti: 'j1',
      htm: 'POST',
      htu: url,
      iat,
      nonce: await currentNonce(SECRET, NOW),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty, crv, x, y } })
      .sign(privateKey)
    const req = new Request(url, { method: 'POST', headers: { dpop: proof } })
    const out = await verifyDpopProof(req, SECRET, { now: NOW })
    if (!out.ok) throw new Error(out.problem.message)
    // Accepted until iat + window by the Worker; the record must still be there after that.
    expect(out.value.once.expiresAt).toBeGreaterThanOrEqual((iat + 2 * PROOF_IAT_WINDOW_S) * 1000)
  })

  it('keeps a client assertion jti a minute past its exp (or iat + 60 s without exp)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256')
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }
    const clientId = 'https://client.test/c.json'
    const client = {
      id: clientId,
      loopback: false,
      metadata: {
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        jwks: { keys: [jwk] },
      },
    } as unknown as OAuthClient
    const assertion = (exp?: number) => {
      const jwt = new SignJWT({ jti: `a${exp ?? ''}` })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(ISSUER)
        .setIssuedAt(iat)
      return (exp ? jwt.setExpirationTime(exp) : jwt).sign(privateKey)
    }
    const form = async (exp?: number) =>
      new URLSearchParams({
        client_assertion: await assertion(exp),
        client_assertion_type: CLIENT_ASSERTION_TYPE,
      })
    const noExp = await authenticateClient(client, await form(), ISSUER, { now: NOW })
    expect(noExp.once[0]?.expiresAt).toBe((iat + 120) * 1000)
    const withExp = await authenticateClient(client, await form(iat + 200), ISSUER, { now: NOW })
    expect(withExp.once[0]?.expiresAt).toBe((iat + 260) * 1000)
  })
})
