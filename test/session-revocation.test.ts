import { describe, expect, it } from 'vitest'
import { parseConfig } from '../src/shared/config'
import { verifyAccessToken } from '../src/worker/auth/session-tokens'
import { onAccountActor } from './helpers/account-actor'
import { OWNER } from './helpers/client'
import { callAs, login, type SessionOutput } from './helpers/session'
import { TEST_BINDINGS } from './helpers/test-identity'
import { expectXrpcError } from './helpers/xrpc-expect'

const refresh = (token: string) => callAs(token, 'com.atproto.server.refreshSession', { method: 'POST' })
const logout = (token: string) => callAs(token, 'com.atproto.server.deleteSession', { method: 'POST' })
const getSession = (token: string) => callAs(token, 'com.atproto.server.getSession')
const revokeAll = (token: string) => callAs(token, 'dev.edgepds.server.revokeAllSessions', { method: 'POST' })

async function refreshOk(token: string): Promise<SessionOutput> {
  const res = await refresh(token)
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as SessionOutput
}

describe('deleteSession', () => {
  it('with an old, already rotated refresh token, also kills the newer ones', async () => {
    const s = await login()
    const second = await refreshOk(s.refreshJwt)
    const third = await refreshOk(second.refreshJwt)
    expect((await logout(s.refreshJwt)).status).toBe(200)
    for (const token of [s.refreshJwt, second.refreshJwt, third.refreshJwt]) {
      await expectXrpcError(await refresh(token), 400, 'ExpiredToken')
    }
  })

  it('with the newest refresh token, also kills its predecessors', async () => {
    const s = await login()
    const next = await refreshOk(s.refreshJwt)
    expect((await logout(next.refreshJwt)).status).toBe(200)
    await expectXrpcError(await refresh(s.refreshJwt), 400, 'ExpiredToken')
  })

  it('leaves other sessions alone', async () => {
    const mine = await login()
    const other = await login()
    expect((await logout(mine.refreshJwt)).status).toBe(200)
    expect((await refresh(other.refreshJwt)).status).toBe(200)
  })
})

describe('dev.edgepds.server.revokeAllSessions', () => {
  it('kills every refresh token and every access token minted before, and new logins work', async () => {
    const a = await login()
    const b = await refreshOk((await login()).refreshJwt)
    expect((await revokeAll(a.accessJwt)).status).toBe(200)
    for (const s of [a, b]) {
      await expectXrpcError(await refresh(s.refreshJwt), 400, 'ExpiredToken')
      await expectXrpcError(await getSession(s.accessJwt), 400, 'ExpiredToken')
      const write = await callAs(s.accessJwt, 'com.atproto.repo.createRecord', {
        body: {
          repo: OWNER.did,
          collection: 'app.bsky.feed.post',
          record: { text: 'x', createdAt: new Date().toISOString() },
        },
      })
      await expectXrpcError(write, 400, 'ExpiredToken')
      // The AppView proxy confirms the session with the account actor too.
      await expectXrpcError(await callAs(s.accessJwt, 'app.bsky.feed.getTimeline'), 400, 'ExpiredToken')
    }
    const fresh = await login()
    expect((await getSession(fresh.accessJwt)).status).toBe(200)
    expect((await refresh(fresh.refreshJwt)).status).toBe(200)
  })

  it('is for full access only: an app-password session may not call it', async () => {
    const res = await callAs(OWNER.authToken, 'com.atproto.server.createAppPassword', {
      body: { name: 'revoke-all' },
    })
    const { password } = (await res.json()) as { password: string }
    const app = await login(password)
    await expectXrpcError(await revokeAll(app.accessJwt), 400, 'InvalidToken')
    expect((await getSession(app.accessJwt)).status).toBe(200)
  })

  it('needs the owner', async () => {
    await expectXrpcError(
      await callAs(null, 'dev.edgepds.server.revokeAllSessions', { method: 'POST' }),
      401,
      'AuthenticationRequired',
    )
  })
})

describe('password epoch', () => {
  it('revokes every session when the stored password hash differs at start', async () => {
    const s = await login()
    // What the actor does at start-up when PASSWORD changed: the epoch it computes differs.
    const revoked = await onAccountActor((account) => account.epoch.syncPassword('another-epoch'))
    expect(revoked).toBe(true)
    await expectXrpcError(await refresh(s.refreshJwt), 400, 'ExpiredToken')
    await expectXrpcError(await getSession(s.accessJwt), 400, 'ExpiredToken')
    // The same epoch again changes nothing.
    const fresh = await login()
    expect(await onAccountActor((account) => account.epoch.syncPassword('another-epoch'))).toBe(false)
    expect((await getSession(fresh.accessJwt)).status).toBe(200)
  })

  it('refuses access tokens minted under another PASSWORD without asking the actor', async () => {
    const s = await login()
    const changed = parseConfig({ ...TEST_BINDINGS, PASSWORD: 'a-completely-new-password' })
    const same = parseConfig(TEST_BINDINGS)
    if (!changed.ok || !same.ok) throw new Error('config')
    await expect(verifyAccessToken(s.accessJwt, same.value, Date.now())).resolves.toMatchObject({
      sub: OWNER.did,
    })
    await expect(verifyAccessToken(s.accessJwt, changed.value, Date.now())).rejects.toMatchObject({
      status: 400,
      error: 'ExpiredToken',
    })
  })
})
