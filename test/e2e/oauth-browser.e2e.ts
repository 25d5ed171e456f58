import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { Agent } from '@atproto/api'
import {
  buildAtprotoLoopbackClientMetadata,
  NodeOAuthClient,
  type NodeSavedSession,
  type NodeSavedState,
  type OAuthSession,
  requestLocalLock,
} from '@atproto/oauth-client-node'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './harness/headless-chromium'
import { loopbackFetch } from './harness/loopback-fetch'
import { pds } from './harness/pds-context'

/**
 * The whole OAuth flow with the real client, `@atproto/oauth-client-node`, as a loopback
 * development app, and the owner in a real Chromium: the client resolves the owner's
 * handle and did:web to this PDS, pushes its request (PAR, PKCE, DPoP), Chromium signs in
 * and consents on our pages, the client redeems the code and makes DPoP-bound writes,
 * refreshes, and the tokens end by the client's sign-out and by Revoke on the apps page.
 *
 * It needs the protocol side (src/worker/oauth/flow.ts); without it the pages have no
 * requests to show, so the suite is skipped rather than failed.
 */
const hasFlow = existsSync(join(process.cwd(), 'src/worker/oauth/flow.ts'))

const id = pds()
const SCOPE = 'atproto transition:generic'

type Callback = { params: URLSearchParams }

/** The client's redirect_uri: a local server that hands each callback's query to the test. */
async function callbackServer(): Promise<{
  server: Server
  redirectUri: string
  next: () => Promise<Callback>
}> {
  let waiting: ((c: Callback) => void) | null = null
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname !== '/callback') return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'text/plain' }).end('You can close this window.')
    waiting?.({ params: url.searchParams })
    waiting = null
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    server,
    redirectUri: `http://127.0.0.1:${port}/callback`,
    next: () => new Promise<Callback>((resolve) => (waiting = resolve)),
  }
}

/** A SimpleStore in memory, as the client's state and session stores. */
function memoryStore<V extends NonNullable<unknown>>(map = new Map<string, V>()) {
  return {
    map,
    get: (k: string) => map.get(k),
    set: (k: string, v: V) => void map.set(k, v),
    del: (k: string) => void map.delete(k),
  }
}

/** The record as anyone reads it back, without the client. */
async function publicRecord(uri: string): Promise<Response> {
  const [, , repo, collection, rkey] = uri.split('/')
  const url = new URL('/xrpc/com.atproto.repo.getRecord', id.baseUrl)
  url.search = new URLSearchParams({
    repo: repo ?? '',
    collection: collection ?? '',
    rkey: rkey ?? '',
  }).toString()
  return loopbackFetch(url)
}

const post = (agent: Agent, text: string) =>
  agent.com.atproto.repo.createRecord({
    repo: agent.assertDid,
    collection: 'app.bsky.feed.post',
    record: { $type: 'app.bsky.feed.post', text, createdAt: new Date().toISOString() },
  })

/** The session's current access token (the client keeps it private; the test checks its binding). */
async function accessToken(session: OAuthSession): Promise<string> {
  // biome-ignore lint/complexity/useLiteralKeys: `getTokenSet` is protected; the test reaches it on purpose.
  const tokens = await session['getTokenSet'](false)
  return tokens.access_token
}

describe.skipIf(!hasFlow)('OAuth with the real client and Chromium', () => {
  let browser: Browser
  let context: BrowserContext
  let callbacks: Awaited<ReturnType<typeof callbackServer>>

  /**
   * A client instance with its own stores. The stores key sessions by DID, so each session
   * under test gets its own instance (one loopback client_id: the same app to the PDS).
   */
  function makeClient(saved?: Map<string, NodeSavedSession>) {
    const sessions = memoryStore<NodeSavedSession>(saved)
    const client = new NodeOAuthClient({
      clientMetadata: buildAtprotoLoopbackClientMetadata({
        scope: SCOPE,
        redirect_uris: [callbacks.redirectUri],
      }),
      stateStore: memoryStore<NodeSavedState>(),
      sessionStore: sessions,
      // The owner's handle resolves here, not over DNS; the did:web document is this PDS's.
      handleResolver: {
        resolve: async (handle: string) => (handle === id.handle ? (id.did as `did:web:${string}`) : null),
      },
      // This PDS is an http://localhost issuer: only a development client may talk to it.
      allowHttp: true,
      fetch: loopbackFetch,
      requestLock: requestLocalLock,
    })
    return { client, sessions: sessions.map }
  }

  beforeAll(async () => {
    callbacks = await callbackServer()
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 390, height: 844 } })
  })
  afterAll(async () => {
    await browser?.close()
    callbacks?.server.close()
  })

  /** Opens the client's authorization URL and returns once the client's callback got its answer. */
  async function authorizeInBrowser(
    client: NodeOAuthClient,
    steps: (page: Page) => Promise<void>,
  ): Promise<{ session: OAuthSession; state: string | null }> {
    const url = await client.authorize(id.handle, { scope: SCOPE, state: `e2e-${Date.now()}` })
    expect(url.origin).toBe(id.baseUrl)
    const page = await context.newPage()
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    const answered = callbacks.next()
    await page.goto(url.toString())
    await steps(page)
    const { params } = await answered
    expect(params.get('iss')).toBe(id.baseUrl)
    expect(params.get('error')).toBeNull()
    // No CSP refusal on the way (the form-action to the loopback redirect among them).
    expect(errors).toEqual([])
    await page.close()
    return client.callback(params)
  }

  /** One client instance and the session it got; set by the step that authorizes it. */
  type Party = ReturnType<typeof makeClient> & { session: OAuthSession }
  let a: Party | undefined
  let b: Party | undefined
  const need = (p: Party | undefined): Party => {
    if (!p) throw new Error('no session: an earlier step failed')
    return p
  }

  it('signs in and consents in Chromium; the client gets a session for the owner', async () => {
    const made = makeClient()
    const { session, state } = await authorizeInBrowser(made.client, async (page) => {
      await expect(page.locator('#identifier').inputValue()).resolves.toBe(id.handle)
      await page.fill('#password', id.password)
      await page.click('button[type=submit]')
      await page.waitForSelector('button[value=allow]')
      const text = (await page.textContent('body')) ?? ''
      expect(text).toContain('Development app on this device')
      expect(text).toContain('Full access to your account like an app password')
      expect(text).toContain(`@${id.handle}`)
      await page.check('input[name=remember]')
      await page.click('button[value=allow]')
    })
    expect(state).toMatch(/^e2e-/)
    expect(session.did).toBe(id.did)
    a = { ...made, session }
  })

  it('writes with the DPoP-bound token; the token alone, without a proof, is refused', async () => {
    const session = need(a).session
    const created = await post(new Agent(session), 'hello over OAuth')
    expect(created.data.uri).toMatch(new RegExp(`^at://${id.did}/app.bsky.feed.post/`))
    expect((await publicRecord(created.data.uri)).status).toBe(200)

    const token = await accessToken(session)
    const url = new URL('/xrpc/com.atproto.repo.createRecord', id.baseUrl)
    const body = JSON.stringify({
      repo: id.did,
      collection: 'app.bsky.feed.post',
      record: { $type: 'app.bsky.feed.post', text: 'no proof', createdAt: new Date().toISOString() },
    })
    for (const scheme of ['DPoP', 'Bearer']) {
      const res = await loopbackFetch(url, {
        method: 'POST',
        headers: { authorization: `${scheme} ${token}`, 'content-type': 'application/json' },
        body,
      })
      expect(res.status, `${scheme} without a proof`).toBe(401)
    }
  })

  it('refreshes, and the new token writes', async () => {
    const session = need(a).session
    const before = await accessToken(session)
    const info = await session.getTokenInfo(true)
    expect(info.sub).toBe(id.did)
    expect(await accessToken(session)).not.toBe(before)
    const created = await post(new Agent(session), 'after refresh')
    expect((await publicRecord(created.data.uri)).status).toBe(200)
  })

  it('a remembered app comes back without sign-in or consent', async () => {
    const made = makeClient()
    const { session } = await authorizeInBrowser(made.client, async () => {
      // Nothing to do: the session cookie and the remembered consent send the browser straight back.
    })
    expect(session.did).toBe(id.did)
    await post(new Agent(session), 'remembered')
    b = { ...made, session }
  })

  it('the client signs out: the PDS refuses its tokens', async () => {
    // A copy of the stored session, to try the tokens once the client has forgotten them.
    const copy = makeClient(new Map(need(a).sessions))
    const restored = await copy.client.restore(id.did, false)
    await post(new Agent(restored), 'the copy works before sign-out')
    await need(a).session.signOut()
    const again = await makeClient(new Map(copy.sessions)).client.restore(id.did, false)
    await expect(post(new Agent(again), 'after sign-out')).rejects.toThrow()
    await expect(again.getTokenInfo(true)).rejects.toThrow()
    // The app's other session (its own code, its own tokens) is untouched, as in the reference PDS.
    await post(new Agent(need(b).session), 'still signed in')
  })

  it('Revoke on the authorized-apps page ends the app’s access', async () => {
    const page = await context.newPage()
    await page.goto(new URL('/oauth/apps', id.baseUrl).toString())
    const items = page.locator('ul.apps > li', { hasText: 'localhost' })
    expect(await items.count()).toBeGreaterThanOrEqual(1)
    expect(await items.first().textContent()).toContain('Full access to your account')
    while ((await items.count()) > 0) {
      await items.first().locator('button', { hasText: 'Revoke' }).click()
      await page.waitForLoadState()
    }
    await page.close()
    await expect(post(new Agent(need(b).session), 'after revoke')).rejects.toThrow()
    await expect(need(b).session.getTokenInfo(true)).rejects.toThrow()
  })
})
