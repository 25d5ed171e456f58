import { Secp256k1Keypair } from '@atproto/crypto'
import { describe, expect, it } from 'vitest'
import { BASE_URL, OWNER, workerFetch } from './helpers/client'
import { callAs, login } from './helpers/session'
import { expectXrpcError } from './helpers/xrpc-expect'

const PDS_DID = 'did:web:pds.test'
const LXM = 'com.atproto.repo.uploadBlob'

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
const b64urlJson = (v: unknown) => b64url(new TextEncoder().encode(JSON.stringify(v)))

async function serviceAuth(token: string, query: Record<string, string> = { aud: PDS_DID, lxm: LXM }) {
  const res = await callAs(token, 'com.atproto.server.getServiceAuth', { query })
  expect(res.status, await res.clone().text()).toBe(200)
  return ((await res.json()) as { token: string }).token
}

const upload = (token: string, seed = 1) =>
  workerFetch(`${BASE_URL}/xrpc/${LXM}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(32).fill(seed),
  })

/** An owner-signed service JWT made here, not by getServiceAuth. */
async function signed(claims: Record<string, unknown>): Promise<string> {
  const key = await Secp256k1Keypair.import(OWNER.signingKeyHex)
  const now = Math.floor(Date.now() / 1000)
  const input = `${b64urlJson({ typ: 'JWT', alg: 'ES256K' })}.${b64urlJson({
    iss: OWNER.did,
    aud: PDS_DID,
    lxm: LXM,
    iat: now,
    exp: now + 60,
    jti: crypto.randomUUID(),
    ...claims,
  })}`
  return `${input}.${b64url(await key.sign(new TextEncoder().encode(input)))}`
}

describe('inbound owner service JWTs', () => {
  it('are accepted once: a replay is refused with 401 BadJwt', async () => {
    const token = await serviceAuth(OWNER.authToken)
    expect((await upload(token)).status).toBe(200)
    await expectXrpcError(await upload(token, 2), 401, 'BadJwt')
  })

  it('must have been issued by getServiceAuth here', async () => {
    await expectXrpcError(await upload(await signed({})), 401, 'BadJwt')
  })

  it('may live at most an hour (exp - iat)', async () => {
    const now = Math.floor(Date.now() / 1000)
    await expectXrpcError(await upload(await signed({ iat: now - 3000, exp: now + 700 })), 401, 'BadJwt')
    await expectXrpcError(await upload(await signed({ iat: undefined })), 401, 'BadJwt')
  })

  it('die with the app password whose session asked for them', async () => {
    const created = await callAs(OWNER.authToken, 'com.atproto.server.createAppPassword', {
      body: { name: 'video' },
    })
    const { password } = (await created.json()) as { password: string }
    const session = await login(password)
    const first = await serviceAuth(session.accessJwt)
    const second = await serviceAuth(session.accessJwt)
    expect((await upload(first)).status).toBe(200)
    const revoke = await callAs(OWNER.authToken, 'com.atproto.server.revokeAppPassword', {
      body: { name: 'video' },
    })
    expect(revoke.status).toBe(200)
    await expectXrpcError(await upload(second), 401, 'BadJwt')
  })

  it('die with revokeAllSessions', async () => {
    const session = await login()
    const token = await serviceAuth(session.accessJwt)
    expect(
      (await callAs(OWNER.authToken, 'dev.edgepds.server.revokeAllSessions', { method: 'POST' })).status,
    ).toBe(200)
    await expectXrpcError(await upload(token), 401, 'BadJwt')
  })
})
