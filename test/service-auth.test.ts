import { env } from 'cloudflare:test'
import { Secp256k1Keypair, verifySignature } from '@atproto/crypto'
import { describe, expect, it } from 'vitest'
import { XRPCError } from '../src/shared/xrpc-error'
import { createXrpcRouter } from '../src/worker/xrpc-router'
import { BASE_URL, OWNER, workerFetch } from './helpers/client'
import { callAs, decodeJwt, login } from './helpers/session'
import { expectXrpcError } from './helpers/xrpc-expect'

const PDS_DID = 'did:web:pds.test'

const b64urlToBytes = (text: string) =>
  Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))
const b64urlJson = (v: unknown) =>
  btoa(JSON.stringify(v)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const bytesToB64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

/** The owner's did:key, read from the DID document the PDS publishes. */
async function ownerDidKey(): Promise<string> {
  const doc = (await (await workerFetch(`${BASE_URL}/.well-known/did.json`)).json()) as {
    verificationMethod: { id: string; publicKeyMultibase: string }[]
  }
  const method = doc.verificationMethod.find((m) => m.id === `${OWNER.did}#atproto`)
  return `did:key:${method?.publicKeyMultibase}`
}

/** Verifies an ES256K JWT the way a receiving service does. */
async function verifiesAsOwner(token: string): Promise<boolean> {
  const [h, p, s] = token.split('.')
  return verifySignature(await ownerDidKey(), new TextEncoder().encode(`${h}.${p}`), b64urlToBytes(s ?? ''), {
    jwtAlg: 'ES256K',
  })
}

async function getServiceAuth(query: Record<string, string>, token = OWNER.authToken): Promise<Response> {
  return callAs(token, 'com.atproto.server.getServiceAuth', { query })
}

async function serviceToken(query: Record<string, string>): Promise<string> {
  const res = await getServiceAuth(query)
  expect(res.status, await res.clone().text()).toBe(200)
  return ((await res.json()) as { token: string }).token
}

/** A service JWT signed by `keypair` (the owner's key unless given), for cases getServiceAuth will not make. */
async function signServiceJwt(claims: Record<string, unknown>, keypair?: Secp256k1Keypair, typ = 'JWT') {
  const key = keypair ?? (await Secp256k1Keypair.import(OWNER.signingKeyHex))
  const now = Math.floor(Date.now() / 1000)
  const input = `${b64urlJson({ typ, alg: 'ES256K' })}.${b64urlJson({
    iss: OWNER.did,
    aud: PDS_DID,
    lxm: 'com.example.svc.upload',
    iat: now,
    exp: now + 60,
    jti: 'abc123',
    ...claims,
  })}`
  return `${input}.${bytesToB64url(await key.sign(new TextEncoder().encode(input)))}`
}

describe('getServiceAuth', () => {
  it('returns an ES256K JWT signed with the repo key that verifies against the DID document key', async () => {
    const token = await serviceToken({ aud: 'did:web:video.bsky.app', lxm: 'app.bsky.video.getUploadLimits' })
    expect(await verifiesAsOwner(token)).toBe(true)
    const { header, payload } = decodeJwt(token)
    expect(header).toEqual({ typ: 'JWT', alg: 'ES256K' })
    expect(payload).toMatchObject({
      iss: OWNER.did,
      aud: 'did:web:video.bsky.app',
      lxm: 'app.bsky.video.getUploadLimits',
    })
    expect(Number(payload.exp) - Number(payload.iat)).toBe(60)
    expect(payload.jti).toMatch(/^[0-9a-f]{32}$/)
  })

  it('fails verification when the payload is altered', async () => {
    const token = await serviceToken({ aud: PDS_DID, lxm: 'com.atproto.repo.uploadBlob' })
    const [h, , s] = token.split('.')
    const forged = `${h}.${b64urlJson({ ...decodeJwt(token).payload, aud: 'did:web:evil.test' })}.${s}`
    expect(await verifiesAsOwner(forged)).toBe(false)
  })

  it('honours exp up to an hour ahead, and a minute without lxm', async () => {
    const now = Math.floor(Date.now() / 1000)
    const token = await serviceToken({
      aud: PDS_DID,
      lxm: 'com.atproto.repo.uploadBlob',
      exp: String(now + 3000),
    })
    expect(decodeJwt(token).payload.exp).toBe(now + 3000)
    const bare = await serviceToken({ aud: PDS_DID, exp: String(now + 30) })
    expect(decodeJwt(bare).payload.lxm).toBeUndefined()
  })

  it.each<[string, { lxm?: string; exp: number }]>([
    ['more than an hour ahead', { lxm: 'com.atproto.repo.uploadBlob', exp: 3700 }],
    ['in the past', { lxm: 'com.atproto.repo.uploadBlob', exp: -10 }],
    ['more than a minute ahead without lxm', { exp: 120 }],
  ])('refuses an exp %s with 400 BadExpiration', async (_name, { lxm, exp }) => {
    const query: Record<string, string> = { aud: PDS_DID, exp: String(Math.floor(Date.now() / 1000) + exp) }
    if (lxm) query.lxm = lxm
    await expectXrpcError(await getServiceAuth(query), 400, 'BadExpiration')
  })

  it('refuses protected methods and bad parameters', async () => {
    await expectXrpcError(
      await getServiceAuth({ aud: PDS_DID, lxm: 'com.atproto.server.createAppPassword' }),
      400,
      'InvalidRequest',
    )
    await expectXrpcError(await getServiceAuth({ aud: 'not-a-did' }), 400, 'InvalidRequest')
    await expectXrpcError(await getServiceAuth({ aud: PDS_DID, lxm: 'not an nsid' }), 400, 'InvalidRequest')
    await expectXrpcError(await getServiceAuth({}), 400, 'InvalidRequest')
  })

  it('needs owner auth, and works for a session', async () => {
    await expectXrpcError(
      await callAs(null, 'com.atproto.server.getServiceAuth', { query: { aud: PDS_DID } }),
      401,
      'AuthenticationRequired',
    )
    const s = await login()
    expect((await getServiceAuth({ aud: PDS_DID }, s.accessJwt)).status).toBe(200)
  })
})

describe('inbound service auth', () => {
  const router = createXrpcRouter({
    'com.example.svc.upload': {
      type: 'procedure',
      auth: 'owner-or-service',
      handler: async (ctx) => ({ auth: ctx.auth }),
    },
    'com.example.svc.ownerOnly': {
      type: 'procedure',
      auth: 'owner',
      handler: async (ctx) => ({ auth: ctx.auth }),
    },
  })

  async function call(nsid: string, token: string): Promise<Response> {
    const req = new Request(`${BASE_URL}/xrpc/${nsid}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    })
    try {
      return await router(req, env, nsid)
    } catch (e) {
      if (e instanceof XRPCError) return e.toResponse()
      throw e
    }
  }

  it('accepts the owner service JWT for a method that opts in', async () => {
    const token = await serviceToken({ aud: PDS_DID, lxm: 'com.example.svc.upload' })
    const res = await call('com.example.svc.upload', token)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      auth: { type: 'service', did: OWNER.did, lxm: 'com.example.svc.upload' },
    })
  })

  it('accepts aud naming the PDS service (did#atproto_pds)', async () => {
    const token = await serviceToken({ aud: `${PDS_DID}#atproto_pds`, lxm: 'com.example.svc.upload' })
    expect((await call('com.example.svc.upload', token)).status).toBe(200)
  })

  it('the opted-in method still accepts ordinary owner credentials', async () => {
    expect((await call('com.example.svc.upload', OWNER.authToken)).status).toBe(200)
    expect((await call('com.example.svc.upload', (await login()).accessJwt)).status).toBe(200)
  })

  it.each([
    [
      'another audience',
      () => serviceToken({ aud: 'did:web:other.test', lxm: 'com.example.svc.upload' }),
      'BadJwtAudience',
    ],
    [
      'another method',
      () => serviceToken({ aud: PDS_DID, lxm: 'com.example.svc.other' }),
      'BadJwtLexiconMethod',
    ],
    ['no method', () => serviceToken({ aud: PDS_DID }), 'BadJwtLexiconMethod'],
    ['an expired token', () => signServiceJwt({ exp: Math.floor(Date.now() / 1000) - 1 }), 'JwtExpired'],
    ['another signer', async () => signServiceJwt({}, await Secp256k1Keypair.create()), 'BadJwtSignature'],
    ['another issuer', async () => signServiceJwt({ iss: 'did:web:other.test' }), 'UntrustedIss'],
    ['a session token type', async () => signServiceJwt({}, undefined, 'at+jwt'), 'BadJwtType'],
  ])('refuses %s with 401', async (_name, make, error) => {
    await expectXrpcError(await call('com.example.svc.upload', await make()), 401, error)
  })

  it('is refused by methods that do not opt in', async () => {
    const token = await serviceToken({ aud: PDS_DID, lxm: 'com.example.svc.ownerOnly' })
    await expectXrpcError(await call('com.example.svc.ownerOnly', token), 400, 'InvalidToken')
    const write = await serviceToken({ aud: PDS_DID, lxm: 'com.atproto.repo.createRecord' })
    const res = await callAs(write, 'com.atproto.repo.createRecord', {
      body: { repo: OWNER.did, collection: 'com.example.svc', record: {} },
    })
    await expectXrpcError(res, 400, 'InvalidToken')
  })
})
