import { describe, expect, it } from 'vitest'
import { OWNER } from './helpers/client'
import {
  callAs,
  decodeJwt,
  expiredAccessToken,
  freshAgent,
  login,
  mintHs256,
  PASSWORD,
} from './helpers/session'
import { expectXrpcError } from './helpers/xrpc-expect'

const SERVICE_DID = 'did:web:pds.test'

describe('createSession', () => {
  it('returns a session the app can use: tokens, did, handle, didDoc, active, email flags', async () => {
    const s = await login()
    expect(s.did).toBe(OWNER.did)
    expect(s.handle).toBe(OWNER.handle)
    expect(s.active).toBe(true)
    expect(s.emailConfirmed).toBe(false)
    expect(s.emailAuthFactor).toBe(false)
    expect(s.email ?? '').toBe('')
    expect(s.didDoc.id).toBe(OWNER.did)
    expect(s.didDoc.service).toContainEqual(expect.objectContaining({ id: '#atproto_pds' }))
  })

  it('issues an HS256 access JWT (at+jwt, com.atproto.access, 2 hours) and refresh JWT (refresh+jwt, jti, 90 days)', async () => {
    const s = await login()
    const access = decodeJwt(s.accessJwt)
    expect(access.header).toMatchObject({ typ: 'at+jwt', alg: 'HS256' })
    expect(access.payload).toMatchObject({ scope: 'com.atproto.access', sub: OWNER.did, aud: SERVICE_DID })
    expect(Number(access.payload.exp) - Number(access.payload.iat)).toBe(2 * 3600)
    const refresh = decodeJwt(s.refreshJwt)
    expect(refresh.header).toMatchObject({ typ: 'refresh+jwt', alg: 'HS256' })
    expect(refresh.payload).toMatchObject({ scope: 'com.atproto.refresh', sub: OWNER.did, aud: SERVICE_DID })
    expect(typeof refresh.payload.jti).toBe('string')
    const days = (Number(refresh.payload.exp) - Number(refresh.payload.iat)) / 86400
    expect(days).toBeGreaterThan(89.9)
    expect(days).toBeLessThanOrEqual(90)
  })

  it.each([
    ['the DID', OWNER.did],
    ['the handle in upper case', OWNER.handle.toUpperCase()],
    ['@handle', `@${OWNER.handle}`],
  ])('accepts %s as identifier', async (_name, identifier) => {
    expect((await login(PASSWORD, identifier)).did).toBe(OWNER.did)
  })

  it.each([
    ['a wrong password', OWNER.handle, 'not-the-password'],
    ['a password prefix', OWNER.handle, PASSWORD.slice(0, -1)],
    ['an app-password-shaped wrong password', OWNER.handle, 'abcd-efgh-ijkl-mnop'],
    ['another handle', 'bob.pds.test', PASSWORD],
    ['another DID', 'did:web:other.test', PASSWORD],
  ])('refuses %s with 401 AuthenticationRequired', async (_name, identifier, password) => {
    const res = await callAs(null, 'com.atproto.server.createSession', { body: { identifier, password } })
    const body = await expectXrpcError(res, 401, 'AuthenticationRequired')
    expect(body.message).toBe('Invalid identifier or password')
  })

  it('refuses a body without password with 400 InvalidRequest', async () => {
    const res = await callAs(null, 'com.atproto.server.createSession', { body: { identifier: OWNER.handle } })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })
})

describe('access tokens', () => {
  it('getSession answers for an access token', async () => {
    const s = await login()
    const res = await callAs(s.accessJwt, 'com.atproto.server.getSession')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ did: OWNER.did, handle: OWNER.handle, active: true })
  })

  it('authorizes repo writes', async () => {
    const s = await login()
    const res = await callAs(s.accessJwt, 'com.atproto.repo.createRecord', {
      body: { repo: OWNER.did, collection: 'com.example.sessionWrite', record: { n: 1 } },
    })
    expect(res.status).toBe(200)
  })

  it('missing token: 401 AuthenticationRequired with WWW-Authenticate', async () => {
    const res = await callAs(null, 'com.atproto.server.getSession')
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
    await expectXrpcError(res, 401, 'AuthenticationRequired')
  })

  it('expired token: 400 ExpiredToken', async () => {
    const res = await callAs(await expiredAccessToken(), 'com.atproto.server.getSession')
    await expectXrpcError(res, 400, 'ExpiredToken')
  })

  it('expired token signed with another secret: 400 InvalidToken, not ExpiredToken', async () => {
    const iat = Math.floor(Date.now() / 1000) - 3 * 3600
    const token = await mintHs256(
      { typ: 'at+jwt' },
      { scope: 'com.atproto.access', sub: OWNER.did, aud: SERVICE_DID, iat, exp: iat + 60 },
      'another-secret-0123456789',
    )
    await expectXrpcError(await callAs(token, 'com.atproto.server.getSession'), 400, 'InvalidToken')
  })

  const now = () => Math.floor(Date.now() / 1000)
  const claims = () => ({
    scope: 'com.atproto.access',
    sub: OWNER.did,
    aud: SERVICE_DID,
    iat: now(),
    exp: now() + 600,
  })

  it.each([
    ['signed with another secret', () => mintHs256({ typ: 'at+jwt' }, claims(), 'another-secret-0123456789')],
    ['for another subject', () => mintHs256({ typ: 'at+jwt' }, { ...claims(), sub: 'did:web:other.test' })],
    ['for another audience', () => mintHs256({ typ: 'at+jwt' }, { ...claims(), aud: 'did:web:other.test' })],
    [
      'with a refresh scope',
      () => mintHs256({ typ: 'at+jwt' }, { ...claims(), scope: 'com.atproto.refresh' }),
    ],
    ['with the refresh type', () => mintHs256({ typ: 'refresh+jwt' }, claims())],
    [
      'with an unknown scope',
      () => mintHs256({ typ: 'at+jwt' }, { ...claims(), scope: 'com.atproto.admin' }),
    ],
    [
      'with app-password scope but no app password',
      () => mintHs256({ typ: 'at+jwt' }, { ...claims(), scope: 'com.atproto.appPass' }),
    ],
    [
      'unsigned (alg none)',
      async () => {
        const t = await mintHs256({ typ: 'at+jwt' }, claims())
        const [, p] = t.split('.')
        const none = btoa(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).replace(/=+$/, '')
        return `${none}.${p}.`
      },
    ],
    [
      'with a tampered payload',
      async () => {
        const [h, , s] = (await login()).accessJwt.split('.')
        const p = btoa(JSON.stringify({ ...claims(), exp: now() + 999999 })).replace(/=+$/, '')
        return `${h}.${p}.${s}`
      },
    ],
    ['that is not a JWT', async () => 'a.b.c'],
  ])('a token %s: 400 InvalidToken', async (_name, make) => {
    await expectXrpcError(await callAs(await make(), 'com.atproto.server.getSession'), 400, 'InvalidToken')
  })

  it('a refresh token is not an access token', async () => {
    const s = await login()
    await expectXrpcError(await callAs(s.refreshJwt, 'com.atproto.server.getSession'), 400, 'InvalidToken')
  })

  it('an access token is not a refresh token', async () => {
    const s = await login()
    const res = await callAs(s.accessJwt, 'com.atproto.server.refreshSession', { method: 'POST' })
    await expectXrpcError(res, 400, 'InvalidToken')
    const del = await callAs(s.accessJwt, 'com.atproto.server.deleteSession', { method: 'POST' })
    await expectXrpcError(del, 400, 'InvalidToken')
  })

  it('the static AUTH_TOKEN still has full access', async () => {
    const res = await callAs(OWNER.authToken, 'com.atproto.server.getSession')
    expect(res.status).toBe(200)
    const list = await callAs(OWNER.authToken, 'com.atproto.server.listAppPasswords')
    expect(list.status).toBe(200)
  })
})

describe('AtpAgent sessions', () => {
  it('logs in, reads its session and routes to the didDoc PDS endpoint', async () => {
    const agent = freshAgent()
    await agent.login({ identifier: OWNER.handle, password: PASSWORD })
    expect(agent.session?.did).toBe(OWNER.did)
    expect(agent.pdsUrl?.origin).toBe('https://pds.test')
    const got = await agent.com.atproto.server.getSession()
    expect(got.data.handle).toBe(OWNER.handle)
  })

  it('refreshes automatically when the access token has expired', async () => {
    const agent = freshAgent()
    await agent.login({ identifier: OWNER.handle, password: PASSWORD })
    const before = agent.session as NonNullable<typeof agent.session>
    // As if the app kept the session past the access token's 2 hours.
    agent.sessionManager.session = { ...before, accessJwt: await expiredAccessToken() }
    const got = await agent.com.atproto.server.getSession()
    expect(got.data.did).toBe(OWNER.did)
    expect(agent.session?.refreshJwt).not.toBe(before.refreshJwt)
    expect(decodeJwt(agent.session?.accessJwt ?? '').payload.exp).toBeGreaterThan(
      Math.floor(Date.now() / 1000),
    )
  })

  it('resumes a stored session (refreshing it)', async () => {
    const first = freshAgent()
    await first.login({ identifier: OWNER.handle, password: PASSWORD })
    const stored = first.session as NonNullable<typeof first.session>
    const second = freshAgent()
    await second.resumeSession(stored)
    expect(second.session?.did).toBe(OWNER.did)
    expect(second.session?.refreshJwt).not.toBe(stored.refreshJwt)
    expect((await second.com.atproto.server.getSession()).data.did).toBe(OWNER.did)
  })

  it('logs out: the refresh token is revoked and resuming fails', async () => {
    const agent = freshAgent()
    await agent.login({ identifier: OWNER.handle, password: PASSWORD })
    const stored = agent.session as NonNullable<typeof agent.session>
    await agent.logout()
    expect(agent.session).toBeUndefined()
    const res = await callAs(stored.refreshJwt, 'com.atproto.server.refreshSession', { method: 'POST' })
    await expectXrpcError(res, 400, 'ExpiredToken')
    const again = freshAgent()
    await expect(again.resumeSession(stored)).rejects.toThrow()
    expect(again.session).toBeUndefined()
  })
})
