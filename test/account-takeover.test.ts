import { abortAllDurableObjects, env, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { accountStub } from '../src/actors/account'
import { repoActorStub } from '../src/actors/repo'
import { generateAppPassword, hashPassword } from '../src/worker/auth/password-hash'
import { scratchAccountStub } from './helpers/actors'
import { OWNER } from './helpers/client'
import { callAs, decodeJwt, login, mintHs256 } from './helpers/session'

// This file relies on starting with fresh storage: the account actor must not have run
// before the first test seeds the repo actor's old tables.

const DAY = 24 * 3600_000
const SERVICE_DID = `did:web:${OWNER.hostname}`
const LEGACY_APP_PASSWORD_ID = 'legacy-app-password'

/** The tables as the repo actor's migration 3 created them (they may be gone by now). */
const LEGACY_SCHEMA = `
  CREATE TABLE IF NOT EXISTS app_passwords (
    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, privileged INTEGER NOT NULL,
    salt TEXT NOT NULL, hash TEXT NOT NULL, iterations INTEGER NOT NULL, created_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS refresh_tokens (
    id TEXT PRIMARY KEY, app_password_id TEXT, expires_at INTEGER NOT NULL, next_id TEXT
  );
`

const repoTables = () =>
  runInDurableObject(repoActorStub(env), (_a, state) =>
    state.storage.sql
      .exec<{ name: string }>(
        "SELECT name FROM sqlite_master WHERE name IN ('app_passwords', 'refresh_tokens') ORDER BY name",
      )
      .toArray()
      .map((r) => r.name),
  )

/** A refresh JWT exactly as the PDS minted it before the account actor existed. */
function legacyRefreshJwt(jti: string, expiresAtMs: number): Promise<string> {
  return mintHs256(
    { typ: 'refresh+jwt' },
    {
      scope: 'com.atproto.refresh',
      sub: OWNER.did,
      aud: SERVICE_DID,
      jti,
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(expiresAtMs / 1000),
    },
  )
}

const refresh = (refreshJwt: string) => callAs(refreshJwt, 'com.atproto.server.refreshSession', { body: {} })

describe('account actor takeover of the repo actor credentials', () => {
  const password = generateAppPassword()
  const expiresAt = Date.now() + 30 * DAY

  it('keeps old app passwords and sessions working, and the repo drops its tables', async () => {
    const hash = await hashPassword(password)
    await runInDurableObject(repoActorStub(env), (_a, state) => {
      const sql = state.storage.sql
      sql.exec(
        'INSERT INTO app_passwords (id, name, privileged, salt, hash, iterations, created_at) VALUES (?, ?, 0, ?, ?, ?, ?)',
        LEGACY_APP_PASSWORD_ID,
        'legacy',
        hash.salt,
        hash.hash,
        hash.iterations,
        '2025-01-01T00:00:00.000Z',
      )
      const token =
        'INSERT INTO refresh_tokens (id, app_password_id, expires_at, next_id) VALUES (?, ?, ?, NULL)'
      sql.exec(token, 'legacy-main', null, expiresAt)
      sql.exec(token, 'legacy-app', LEGACY_APP_PASSWORD_ID, expiresAt)
    })
    expect(await repoTables()).toEqual(['app_passwords', 'refresh_tokens'])

    // The first login starts the account actor, which takes the rows over.
    const session = await login(password)
    expect(decodeJwt(session.accessJwt).payload).toMatchObject({
      scope: 'com.atproto.appPass',
      apw: LEGACY_APP_PASSWORD_ID,
    })
    expect(await repoTables()).toEqual([])

    const main = await refresh(await legacyRefreshJwt('legacy-main', expiresAt))
    expect(main.status, await main.clone().text()).toBe(200)
    const viaApp = await refresh(await legacyRefreshJwt('legacy-app', expiresAt))
    expect(viaApp.status).toBe(200)
    const { accessJwt } = (await viaApp.json()) as { accessJwt: string }
    expect(decodeJwt(accessJwt).payload.scope).toBe('com.atproto.appPass')
    expect((await callAs(accessJwt, 'com.atproto.server.getSession')).status).toBe(200)

    const list = await callAs(OWNER.authToken, 'com.atproto.server.listAppPasswords')
    expect(await list.json()).toEqual({
      passwords: [{ name: 'legacy', createdAt: '2025-01-01T00:00:00.000Z', privileged: false }],
    })
  })

  it('records both phases, and a restart does not bring a revoked app password back', async () => {
    const revoked = await callAs(OWNER.authToken, 'com.atproto.server.revokeAppPassword', {
      body: { name: 'legacy' },
    })
    expect(revoked.status).toBe(200)
    await abortAllDurableObjects()
    const res = await callAs(null, 'com.atproto.server.createSession', {
      body: { identifier: OWNER.handle, password },
    })
    expect(res.status).toBe(401)
    const progress = await runInDurableObject(accountStub(env), (_a, state) =>
      state.storage.sql.exec('SELECT copied_at, dropped_at FROM legacy_takeover').one(),
    )
    expect(progress.copied_at).not.toBeNull()
    expect(progress.dropped_at).not.toBeNull()
  })

  it('finishes the drop after a crash between copy and drop, without copying again', async () => {
    await runInDurableObject(accountStub(env), (_a, state) => {
      state.storage.sql.exec('UPDATE legacy_takeover SET dropped_at = NULL')
    })
    await runInDurableObject(repoActorStub(env), (_a, state) => {
      state.storage.sql.exec(LEGACY_SCHEMA)
      state.storage.sql.exec(
        "INSERT INTO refresh_tokens (id, app_password_id, expires_at, next_id) VALUES ('stray', NULL, ?, NULL)",
        expiresAt,
      )
    })
    await abortAllDurableObjects()
    expect(await refresh(await legacyRefreshJwt('stray', expiresAt)).then((r) => r.status)).toBe(400)
    expect(await repoTables()).toEqual([])
  })

  it('leaves the repo alone from a scratch account instance', async () => {
    await runInDurableObject(repoActorStub(env), (_a, state) => state.storage.sql.exec(LEGACY_SCHEMA))
    const scratch = scratchAccountStub('scratch')
    expect(await scratch.listAppPasswords()).toEqual([])
    expect(await repoTables()).toEqual(['app_passwords', 'refresh_tokens'])
  })
})
