import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { accountStub } from './helpers/actors'
import { OWNER } from './helpers/client'
import { callAs, decodeJwt, freshAgent, login } from './helpers/session'
import { expectXrpcError } from './helpers/xrpc-expect'

type Created = { name: string; password: string; createdAt: string; privileged: boolean }

const uniqueName = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`

async function createAppPassword(name: string, privileged?: boolean): Promise<Created> {
  const res = await callAs(OWNER.authToken, 'com.atproto.server.createAppPassword', {
    body: privileged === undefined ? { name } : { name, privileged },
  })
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as Created
}

const revoke = (name: string, token = OWNER.authToken) =>
  callAs(token, 'com.atproto.server.revokeAppPassword', { body: { name } })

describe('app password management', () => {
  it('creates an xxxx-xxxx-xxxx-xxxx password and lists it without the secret', async () => {
    const name = uniqueName('list')
    const created = await createAppPassword(name)
    expect(created.name).toBe(name)
    expect(created.password).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/)
    expect(created.privileged).toBe(false)
    expect(Number.isNaN(Date.parse(created.createdAt))).toBe(false)
    const list = await callAs(OWNER.authToken, 'com.atproto.server.listAppPasswords')
    const { passwords } = (await list.json()) as { passwords: Record<string, unknown>[] }
    expect(passwords).toContainEqual({ name, createdAt: created.createdAt, privileged: false })
    expect(JSON.stringify(passwords)).not.toContain(created.password)
  })

  it('stores only a salted PBKDF2 hash', async () => {
    const created = await createAppPassword(uniqueName('hash'))
    const rows = await runInDurableObject(accountStub(), (_i, state) =>
      state.storage.sql.exec('SELECT * FROM app_passwords WHERE name = ?', created.name).toArray(),
    )
    expect(rows).toHaveLength(1)
    expect(JSON.stringify(rows)).not.toContain(created.password)
    expect(rows[0]).toMatchObject({ iterations: 100_000 })
  })

  it('refuses a duplicate name', async () => {
    const name = uniqueName('dup')
    await createAppPassword(name)
    const res = await callAs(OWNER.authToken, 'com.atproto.server.createAppPassword', { body: { name } })
    await expectXrpcError(res, 400, 'InvalidRequest')
  })

  it('needs owner auth', async () => {
    const res = await callAs(null, 'com.atproto.server.createAppPassword', { body: { name: 'x' } })
    await expectXrpcError(res, 401, 'AuthenticationRequired')
  })
})

describe('app password sessions', () => {
  it('log in with the appPass scope (appPassPrivileged when privileged)', async () => {
    const plain = await createAppPassword(uniqueName('plain'))
    const privileged = await createAppPassword(uniqueName('priv'), true)
    expect(privileged.privileged).toBe(true)
    const a = await login(plain.password)
    expect(decodeJwt(a.accessJwt).payload.scope).toBe('com.atproto.appPass')
    const b = await login(privileged.password)
    expect(decodeJwt(b.accessJwt).payload.scope).toBe('com.atproto.appPassPrivileged')
  })

  it('work through AtpAgent, including refresh', async () => {
    const created = await createAppPassword(uniqueName('agent'))
    const agent = freshAgent()
    await agent.login({ identifier: OWNER.handle, password: created.password })
    const stored = agent.session as NonNullable<typeof agent.session>
    const resumed = freshAgent()
    await resumed.resumeSession(stored)
    expect(decodeJwt(resumed.session?.accessJwt ?? '').payload.scope).toBe('com.atproto.appPass')
    const write = await resumed.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'com.example.appPassWrite',
      record: { n: 1 },
    })
    expect(write.data.uri).toContain(OWNER.did)
  })

  it.each([
    ['createAppPassword', { body: { name: 'nested' } }],
    ['listAppPasswords', {}],
    ['revokeAppPassword', { body: { name: 'whatever' } }],
  ])('cannot call %s (400 InvalidToken)', async (method, opts) => {
    const created = await createAppPassword(uniqueName('manage'), true)
    const s = await login(created.password)
    const res = await callAs(s.accessJwt, `com.atproto.server.${method}`, opts)
    const body = await expectXrpcError(res, 400, 'InvalidToken')
    expect(body.message).toBe('Bad token scope')
  })

  it('end when the app password is revoked: access, refresh and login all fail', async () => {
    const created = await createAppPassword(uniqueName('revoked'))
    const s = await login(created.password)
    expect((await callAs(s.accessJwt, 'com.atproto.server.getSession')).status).toBe(200)
    expect((await revoke(created.name)).status).toBe(200)
    const list = await (await callAs(OWNER.authToken, 'com.atproto.server.listAppPasswords')).json()
    expect(JSON.stringify(list)).not.toContain(created.name)
    await expectXrpcError(await callAs(s.accessJwt, 'com.atproto.server.getSession'), 400, 'InvalidToken')
    const refreshed = await callAs(s.refreshJwt, 'com.atproto.server.refreshSession', { method: 'POST' })
    await expectXrpcError(refreshed, 400, 'ExpiredToken')
    const relogin = await callAs(null, 'com.atproto.server.createSession', {
      body: { identifier: OWNER.handle, password: created.password },
    })
    await expectXrpcError(relogin, 401, 'AuthenticationRequired')
  })

  it('are not revived by a new app password with the same name', async () => {
    const name = uniqueName('reused')
    const first = await createAppPassword(name)
    const s = await login(first.password)
    await revoke(name)
    await createAppPassword(name)
    await expectXrpcError(await callAs(s.accessJwt, 'com.atproto.server.getSession'), 400, 'InvalidToken')
  })

  it('revoking one app password leaves the main session and other app passwords alone', async () => {
    const keep = await createAppPassword(uniqueName('keep'))
    const drop = await createAppPassword(uniqueName('drop'))
    const main = await login()
    const kept = await login(keep.password)
    await revoke(drop.name)
    expect((await callAs(main.accessJwt, 'com.atproto.server.getSession')).status).toBe(200)
    expect((await callAs(kept.accessJwt, 'com.atproto.server.getSession')).status).toBe(200)
  })

  it('a non-privileged app password cannot get service auth for a privileged method', async () => {
    const created = await createAppPassword(uniqueName('svc'))
    const s = await login(created.password)
    const chat = await callAs(s.accessJwt, 'com.atproto.server.getServiceAuth', {
      query: { aud: 'did:web:api.bsky.chat', lxm: 'chat.bsky.convo.listConvos' },
    })
    await expectXrpcError(chat, 400, 'InvalidRequest')
    const feed = await callAs(s.accessJwt, 'com.atproto.server.getServiceAuth', {
      query: { aud: 'did:web:api.bsky.app', lxm: 'app.bsky.feed.getTimeline' },
    })
    expect(feed.status).toBe(200)
  })
})
