import { afterEach, describe, expect, it, vi } from 'vitest'
import { clientDisplay, resolveClient } from '../../src/worker/oauth/client'

/** A valid public web client's document at `clientId`, with `extra` on top. */
const document = (clientId: string, extra: Record<string, unknown> = {}) => ({
  client_id: clientId,
  redirect_uris: [`${new URL(clientId).origin}/cb`],
  scope: 'atproto',
  grant_types: ['authorization_code'],
  response_types: ['code'],
  dpop_bound_access_tokens: true,
  token_endpoint_auth_method: 'none',
  ...extra,
})

/** Serves `docs` by URL, as a client's host would. */
function serve(docs: Record<string, unknown>): void {
  vi.stubGlobal('fetch', async (url: string) =>
    url in docs ? Response.json(docs[url]) : new Response('no', { status: 404 }),
  )
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('client metadata rules', () => {
  // The oauth-types schema already refuses the first three; the last two need our check.
  it.each([
    'https://localhost/cb',
    'https://127.0.0.1/cb',
    'https://[::1]/cb',
    'https://10.0.0.2/cb',
    'https://app.localhost/cb',
  ])('refuses a web client redirecting to the local host %s', async (redirect) => {
    const clientId = `https://r${Math.random().toString(36).slice(2)}.client.test/c.json`
    serve({ [clientId]: document(clientId, { redirect_uris: [redirect] }) })
    await expect(resolveClient(clientId)).rejects.toMatchObject({ error: 'invalid_client_metadata' })
  })

  it('accepts a web client redirecting to its public host', async () => {
    const clientId = 'https://ok.client.test/c.json'
    serve({ [clientId]: document(clientId) })
    expect((await resolveClient(clientId)).id).toBe(clientId)
  })

  it.each([
    ['https://other.test', 'another origin'],
    ['https://cu.client.test/elsewhere', 'not a parent'],
  ])('refuses client_uri %s (%s)', async (clientUri) => {
    const clientId = `https://cu.client.test/app/c${Math.random().toString(36).slice(2)}.json`
    serve({ [clientId]: document(clientId, { client_uri: clientUri }) })
    await expect(resolveClient(clientId)).rejects.toThrow(/client_uri/)
  })

  it('accepts client_uri on the origin and a parent, and shows only same-origin policy and terms', async () => {
    const clientId = 'https://links.client.test/app/c.json'
    serve({
      [clientId]: document(clientId, {
        client_uri: 'https://links.client.test/app',
        policy_uri: 'https://links.client.test/privacy',
        tos_uri: 'https://tracker.test/terms',
      }),
    })
    const display = clientDisplay(await resolveClient(clientId))
    expect(display.clientUri).toBe('https://links.client.test/app')
    expect(display.policyUri).toBe('https://links.client.test/privacy')
    expect(display.tosUri).toBeNull()
  })

  it('remembers a failed lookup for a minute, without echoing what the host answered', async () => {
    const clientId = 'https://flaky.client.test/c.json'
    let calls = 0
    vi.stubGlobal('fetch', async () => {
      calls++
      return calls === 1
        ? new Response('internal detail', { status: 503, headers: { 'content-type': 'text/x-secret' } })
        : Response.json(document(clientId))
    })
    const t = 1_800_000_000_000
    const first = resolveClient(clientId, t)
    await expect(first).rejects.toMatchObject({ error: 'invalid_client_metadata' })
    const message = await first.catch((e: Error) => e.message)
    expect(message).not.toMatch(/503|x-secret|internal detail/)
    await expect(resolveClient(clientId, t + 30_000)).rejects.toMatchObject({
      error: 'invalid_client_metadata',
    })
    expect(calls).toBe(1)
    expect((await resolveClient(clientId, t + 61_000)).id).toBe(clientId)
    expect(calls).toBe(2)
  })
})
