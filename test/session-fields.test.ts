import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { app } from '../src/worker/app'
import { BASE_URL, OWNER } from './helpers/client'
import { TEST_BINDINGS } from './helpers/test-identity'

const withEmail = { ...env, EMAIL: 'alice@example.com' }

async function call(nsid: string, settings: typeof env, init: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {}
  if (init.token) headers.authorization = `Bearer ${init.token}`
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  const req = new Request(new URL(`/xrpc/${nsid}`, BASE_URL), {
    method: init.body === undefined ? 'GET' : 'POST',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  const res = await app.fetch(req, settings)
  expect(res.status).toBe(200)
  return (await res.json()) as Record<string, unknown>
}

const login = (settings: typeof env, password = TEST_BINDINGS.PASSWORD) =>
  call('com.atproto.server.createSession', settings, { body: { identifier: TEST_BINDINGS.HANDLE, password } })

describe('the session fields the Bluesky app reads', () => {
  it('carry didDoc, active and a confirmed EMAIL on create, get and refresh', async () => {
    const created = await login(withEmail)
    expect(created).toMatchObject({ email: 'alice@example.com', emailConfirmed: true, active: true })
    expect((created.didDoc as { id: string }).id).toBe(OWNER.did)
    const got = await call('com.atproto.server.getSession', withEmail, { token: created.accessJwt as string })
    expect(got).toMatchObject({ email: 'alice@example.com', emailConfirmed: true, active: true })
    const refreshed = await call('com.atproto.server.refreshSession', withEmail, {
      token: created.refreshJwt as string,
      body: {},
    })
    expect(refreshed).toMatchObject({ email: 'alice@example.com', emailConfirmed: true })
  })

  it('report no email, unconfirmed, without EMAIL', async () => {
    const created = await login(env)
    expect(created).not.toHaveProperty('email')
    expect(created.emailConfirmed).toBe(false)
  })

  it('hide the address from app-password sessions', async () => {
    const owner = await login(withEmail)
    const made = await call('com.atproto.server.createAppPassword', withEmail, {
      token: owner.accessJwt as string,
      body: { name: `fields-${crypto.randomUUID().slice(0, 8)}` },
    })
    const viaApp = await login(withEmail, made.password as string)
    expect(viaApp).not.toHaveProperty('email')
    expect(viaApp.emailConfirmed).toBe(true)
    const got = await call('com.atproto.server.getSession', withEmail, { token: viaApp.accessJwt as string })
    expect(got).not.toHaveProperty('email')
  })
})
