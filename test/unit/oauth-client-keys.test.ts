import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type OAuthClient, resolveClient } from '../../src/worker/oauth/client'
import { authenticateClient, CLIENT_ASSERTION_TYPE } from '../../src/worker/oauth/client-auth'

const ISSUER = 'https://pds.test'
const SECRET_KEY = { kty: 'oct', k: 'c2VjcmV0LWtleS1wdWJsaXNoZWQtYnktdGhlLWNsaWVudA', kid: 'k1' }

/** Serves `docs` by URL, as a client's host would. */
function serve(docs: Record<string, unknown>): void {
  vi.stubGlobal('fetch', async (url: string) =>
    url in docs ? Response.json(docs[url]) : new Response('no', { status: 404 }),
  )
}

/** A client_assertion signed HS256 with the key the client published. */
async function hs256Assertion(clientId: string): Promise<URLSearchParams> {
  const secret = Uint8Array.from(atob(SECRET_KEY.k.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
    c.charCodeAt(0),
  )
  const jwt = await new SignJWT({ jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(ISSUER)
    .setIssuedAt()
    .sign(secret)
  return new URLSearchParams({ client_assertion: jwt, client_assertion_type: CLIENT_ASSERTION_TYPE })
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('client assertion keys', () => {
  // jose 6 itself refuses secret algs with a key set; the allow-list does not rely on that.
  it('refuses a metadata alg outside the allow-list, even with a matching shared key at jwks_uri', async () => {
    const clientId = 'https://hs.client.test/c.json'
    serve({ 'https://hs.client.test/jwks.json': { keys: [SECRET_KEY] } })
    const client = {
      id: clientId,
      loopback: false,
      metadata: {
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'HS256',
        jwks_uri: 'https://hs.client.test/jwks.json',
      },
    } as unknown as OAuthClient
    const refused = authenticateClient(client, await hs256Assertion(clientId), ISSUER)
    await expect(refused).rejects.toMatchObject({ error: 'invalid_client' })
    await expect(refused).rejects.toThrow(/"HS256" is not supported/)
  })

  it('drops shared-secret and private keys fetched from jwks_uri', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    const priv = { ...(await exportJWK(privateKey)), kid: 'k2' }
    serve({ 'https://keys.client.test/jwks.json': { keys: [SECRET_KEY, priv] } })
    const clientId = 'https://keys.client.test/c.json'
    const client = {
      id: clientId,
      loopback: false,
      metadata: {
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: 'https://keys.client.test/jwks.json',
      },
    } as unknown as OAuthClient
    await expect(authenticateClient(client, await hs256Assertion(clientId), ISSUER)).rejects.toThrow(
      /no usable public keys/,
    )
  })

  it('refuses client metadata naming a signing alg this server does not accept', async () => {
    const clientId = 'https://meta.client.test/c.json'
    serve({
      [clientId]: {
        client_id: clientId,
        redirect_uris: ['https://meta.client.test/cb'],
        scope: 'atproto',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        dpop_bound_access_tokens: true,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'HS256',
        jwks_uri: 'https://meta.client.test/jwks.json',
      },
    })
    await expect(resolveClient(clientId)).rejects.toThrow(/token_endpoint_auth_signing_alg must be one of/)
  })
})
