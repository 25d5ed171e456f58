import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { AppPasswordStore } from '../src/actors/account/app-password-store'
import { REFRESH_GRACE_MS, REFRESH_TTL_MS, SessionStore } from '../src/actors/account/session-store'
import { scratchAccountStub } from './helpers/actors'
import { OWNER } from './helpers/client'
import { callAs, decodeJwt, login, mintHs256, type SessionOutput } from './helpers/session'
import { expectXrpcError } from './helpers/xrpc-expect'

const refresh = (token: string) => callAs(token, 'com.atproto.server.refreshSession', { method: 'POST' })
const logout = (token: string) => callAs(token, 'com.atproto.server.deleteSession', { method: 'POST' })
const jti = (token: string) => decodeJwt(token).payload.jti

async function refreshOk(token: string): Promise<SessionOutput> {
  const res = await refresh(token)
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as SessionOutput
}

describe('refreshSession', () => {
  it('rotates: a new pair with a new refresh id, and the account fields', async () => {
    const s = await login()
    const next = await refreshOk(s.refreshJwt)
    expect(jti(next.refreshJwt)).not.toBe(jti(s.refreshJwt))
    expect(next).toMatchObject({ did: OWNER.did, handle: OWNER.handle, active: true, emailConfirmed: false })
    expect(next.didDoc.id).toBe(OWNER.did)
    expect((await callAs(next.accessJwt, 'com.atproto.server.getSession')).status).toBe(200)
  })

  it('lets the old token be used again in the grace period, yielding the same successor', async () => {
    const s = await login()
    const first = await refreshOk(s.refreshJwt)
    const again = await refreshOk(s.refreshJwt)
    expect(jti(again.refreshJwt)).toBe(jti(first.refreshJwt))
    // The successor itself rotates normally.
    const third = await refreshOk(first.refreshJwt)
    expect(jti(third.refreshJwt)).not.toBe(jti(first.refreshJwt))
  })

  it('refuses an expired refresh token with 400 ExpiredToken', async () => {
    const iat = Math.floor(Date.now() / 1000) - 100
    const token = await mintHs256(
      { typ: 'refresh+jwt' },
      { scope: 'com.atproto.refresh', sub: OWNER.did, aud: 'did:web:pds.test', jti: 'x', iat, exp: iat + 10 },
    )
    await expectXrpcError(await refresh(token), 400, 'ExpiredToken')
  })

  it('refuses a well-signed refresh token that was never stored with 400 ExpiredToken', async () => {
    const iat = Math.floor(Date.now() / 1000)
    const token = await mintHs256(
      { typ: 'refresh+jwt' },
      {
        scope: 'com.atproto.refresh',
        sub: OWNER.did,
        aud: 'did:web:pds.test',
        jti: 'never-granted',
        iat,
        exp: iat + 600,
      },
    )
    await expectXrpcError(await refresh(token), 400, 'ExpiredToken')
  })

  it('refuses a refresh token signed with another secret with 400 InvalidToken', async () => {
    const iat = Math.floor(Date.now() / 1000)
    const token = await mintHs256(
      { typ: 'refresh+jwt' },
      {
        scope: 'com.atproto.refresh',
        sub: OWNER.did,
        aud: 'did:web:pds.test',
        jti: 'x',
        iat,
        exp: iat + 600,
      },
      'another-secret-0123456789',
    )
    await expectXrpcError(await refresh(token), 400, 'InvalidToken')
  })

  it('needs a token: 401 with WWW-Authenticate', async () => {
    const res = await callAs(null, 'com.atproto.server.refreshSession', { method: 'POST' })
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
    await expectXrpcError(res, 401, 'AuthenticationRequired')
  })
})

describe('deleteSession', () => {
  it('revokes the refresh token', async () => {
    const s = await login()
    expect((await logout(s.refreshJwt)).status).toBe(200)
    await expectXrpcError(await refresh(s.refreshJwt), 400, 'ExpiredToken')
  })

  it('also revokes the rotated-away token still in its grace period', async () => {
    const s = await login()
    const next = await refreshOk(s.refreshJwt)
    expect((await logout(next.refreshJwt)).status).toBe(200)
    await expectXrpcError(await refresh(next.refreshJwt), 400, 'ExpiredToken')
    await expectXrpcError(await refresh(s.refreshJwt), 400, 'ExpiredToken')
  })

  it('leaves other sessions alone', async () => {
    const a = await login()
    const b = await login()
    await logout(a.refreshJwt)
    expect((await refresh(b.refreshJwt)).status).toBe(200)
  })
})

/** The store on its own actor instance, with a clock the test moves. */
function withStores<T>(fn: (sessions: SessionStore, appPasswords: AppPasswordStore) => T): Promise<T> {
  const stub = scratchAccountStub('session-store-unit')
  return runInDurableObject(stub, (_instance, state) => {
    const tx = <R>(f: () => R): R => state.storage.transactionSync(f)
    return fn(new SessionStore(state.storage.sql, tx), new AppPasswordStore(state.storage.sql, tx))
  })
}

const T0 = Date.parse('2026-01-01T00:00:00Z')
const HOUR = 3600_000

describe('SessionStore', () => {
  it('keeps a rotated token for the grace period only', async () => {
    await withStores((store) => {
      const a = store.grant(null, T0)
      expect(a.expiresAt).toBe(T0 + REFRESH_TTL_MS)
      const b = store.rotate(a.id, T0)
      if (!b.ok) throw new Error(b.message)
      const retry = store.rotate(a.id, T0 + REFRESH_GRACE_MS - 1)
      expect(retry.ok && retry.value.id).toBe(b.value.id)
      const late = store.rotate(a.id, T0 + REFRESH_GRACE_MS)
      expect(late).toMatchObject({ ok: false, error: 'ExpiredToken' })
      expect(store.rotate(b.value.id, T0 + REFRESH_GRACE_MS).ok).toBe(true)
    })
  })

  it('does not extend the grace period on reuse, nor past the original expiry', async () => {
    await withStores((store) => {
      const a = store.grant(null, T0)
      store.rotate(a.id, T0)
      store.rotate(a.id, T0 + HOUR)
      expect(store.rotate(a.id, T0 + REFRESH_GRACE_MS).ok).toBe(false)

      const old = store.grant(null, T0)
      const nearEnd = T0 + REFRESH_TTL_MS - HOUR
      expect(store.rotate(old.id, nearEnd).ok).toBe(true)
      expect(store.rotate(old.id, T0 + REFRESH_TTL_MS).ok).toBe(false)
    })
  })

  it('refuses a token past its expiry', async () => {
    await withStores((store) => {
      const a = store.grant(null, T0)
      expect(store.rotate(a.id, T0 + REFRESH_TTL_MS).ok).toBe(false)
    })
  })

  it('revoking a successor revokes its predecessors', async () => {
    await withStores((store) => {
      const a = store.grant(null, T0)
      const b = store.rotate(a.id, T0)
      if (!b.ok) throw new Error(b.message)
      const c = store.rotate(b.value.id, T0 + 1)
      if (!c.ok) throw new Error(c.message)
      expect(store.revoke(c.value.id)).toBe(true)
      expect(store.rotate(a.id, T0 + 2).ok).toBe(false)
      expect(store.rotate(b.value.id, T0 + 2).ok).toBe(false)
      expect(store.revoke(c.value.id)).toBe(false)
    })
  })

  it('carries the app password through rotation, and stops when it is revoked', async () => {
    await withStores((store, appPasswords) => {
      appPasswords.create({
        name: 'phone',
        privileged: true,
        hash: { salt: 's', hash: 'h', iterations: 1 },
        createdAt: new Date(T0).toISOString(),
      })
      const id = appPasswords.secrets()[0]?.id ?? ''
      const a = store.grant(id, T0)
      const b = store.rotate(a.id, T0)
      expect(b.ok && b.value.appPassword).toEqual({ id, name: 'phone', privileged: true })
      const other = store.grant(id, T0)
      expect(appPasswords.revoke('phone')).toBe(true)
      expect(store.rotate(other.id, T0 + 1).ok).toBe(false)
      if (b.ok) expect(store.rotate(b.value.id, T0 + 1).ok).toBe(false)
    })
  })
})
