import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PendingAuthorization } from '../../src/worker/oauth/authorization-flow'
import { renderApps } from '../../src/worker/oauth/pages/apps-page'
import { renderConsent } from '../../src/worker/oauth/pages/consent-page'
import { pageResponse } from '../../src/worker/oauth/pages/page-response'
import { renderSignIn } from '../../src/worker/oauth/pages/sign-in-page'
import { exampleClient } from '../helpers/fake-authorization-flow'
import { launchChromium } from './harness/headless-chromium'

/**
 * The pages in a real Chromium, as the Worker renders them and with the headers it sends
 * (the CSP with its nonce among them), served from a local Node server: what a phone and a
 * desktop show, and that the CSP lets the page's own style apply and blocks nothing of it.
 * Screenshots go to bench-results/ (git-ignored).
 */

const HOST = 'pds.example.com'
const client = exampleClient({ name: 'Graysky', logoUri: null, clientUri: 'https://graysky.app' })
const pending: PendingAuthorization = {
  requestUri: 'urn:ietf:params:oauth:request_uri:req-demo',
  client: { ...client, clientId: 'https://graysky.app/oauth/client-metadata.json' },
  redirectUri: 'https://graysky.app/callback',
  scope:
    'atproto repo:app.bsky.feed.post repo:app.bsky.feed.like?action=create&action=delete blob:image/* rpc:*?aud=did:web:api.bsky.app%23bsky_appview transition:chat.bsky',
  loginHint: null,
  prompt: null,
  rememberedConsent: false,
  expiresAt: Date.now() + 300_000,
}

const pages: Record<string, () => Response> = {
  '/consent': () =>
    pageResponse((nonce) =>
      renderConsent({ nonce, host: HOST, pending, handle: 'alice.example.com', csrf: 'x' }),
    ),
  '/sign-in': () =>
    pageResponse((nonce) =>
      renderSignIn({
        nonce,
        host: HOST,
        action: '/oauth/authorize/sign-in',
        hidden: {},
        csrf: 'x',
        identifier: 'alice.example.com',
        error: 'Wrong handle or password.',
        client: pending.client,
      }),
    ),
  '/apps': () =>
    pageResponse((nonce) =>
      renderApps({
        nonce,
        host: HOST,
        handle: 'alice.example.com',
        csrf: 'x',
        now: Date.now(),
        grants: [
          {
            grantId: 'g1',
            client: pending.client,
            scope: pending.scope,
            createdAt: Date.now() - 5 * 86_400_000,
            lastUsedAt: Date.now() - 600_000,
          },
          {
            grantId: 'g2',
            client: exampleClient({
              name: 'Local dev tool',
              clientId: 'http://localhost',
              loopback: true,
              logoUri: null,
            }),
            scope: 'atproto transition:generic',
            createdAt: Date.now() - 3_600_000,
            lastUsedAt: Date.now() - 3_600_000,
          },
        ],
      }),
    ),
}

async function serve(): Promise<{ server: Server; base: string }> {
  const server = createServer(async (req, res) => {
    const render = pages[req.url ?? '']
    if (!render) return res.writeHead(404).end()
    const answer = render()
    res.writeHead(answer.status, Object.fromEntries(answer.headers))
    res.end(await answer.text())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return { server, base: `http://127.0.0.1:${port}` }
}

// The page's globals, typed only as far as these checks use them: the DOM lib is not loaded for tests.
declare const document: {
  documentElement: { scrollWidth: number }
  body: unknown
  head: { append(node: unknown): void }
  createElement(tag: string): { textContent: string }
}
declare function getComputedStyle(el: unknown): { borderRadius: string; backgroundColor: string }

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const

describe('OAuth pages in Chromium', () => {
  let browser: Browser
  let site: { server: Server; base: string }
  const dir = join(process.cwd(), 'bench-results')
  beforeAll(async () => {
    browser = await launchChromium()
    site = await serve()
    mkdirSync(dir, { recursive: true })
  })
  afterAll(async () => {
    await browser?.close()
    site?.server.close()
  })

  async function open(
    path: string,
    viewport: (typeof VIEWPORTS)[number],
  ): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport, deviceScaleFactor: 2 })
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await page.goto(site.base + path)
    return { page, errors }
  }

  for (const viewport of VIEWPORTS) {
    it(`renders the consent, sign-in and apps pages on a ${viewport.name} (${viewport.width}×${viewport.height})`, async () => {
      for (const path of ['/consent', '/sign-in', '/apps']) {
        const { page, errors } = await open(path, viewport)
        // The style ran under the nonce: buttons have the page's shape, not the browser's.
        const primary = page.locator('button').last()
        expect(await primary.evaluate((el) => getComputedStyle(el).borderRadius)).toBe('10px')
        // Large touch targets, nothing wider than the screen, logos square.
        const controls = page.locator('button, input[type=text], input[type=password]')
        for (const h of await controls.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height)))
          expect(h).toBeGreaterThanOrEqual(44)
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          viewport.width,
        )
        const logos = page.locator('.logo')
        for (const r of await logos.evaluateAll((els) => els.map((e) => e.getBoundingClientRect())))
          expect(r.width).toBe(r.height)
        // Nothing was refused by the CSP.
        expect(errors).toEqual([])
        const file = join(dir, `oauth${path.replace('/', '-')}-${viewport.name}.png`)
        await page.screenshot({ path: file, fullPage: true })
        console.log(`[oauth-pages] screenshot: ${file}`)
        await page.close()
      }
    })
  }

  it('has a dark scheme', async () => {
    const page = await browser.newPage({ viewport: VIEWPORTS[0], deviceScaleFactor: 2, colorScheme: 'dark' })
    await page.goto(`${site.base}/consent`)
    const card = page.locator('.card')
    expect(await card.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(26, 27, 34)')
    await page.screenshot({ path: join(dir, 'oauth-consent-phone-dark.png'), fullPage: true })
    await page.close()
  })

  it('blocks a style without the nonce: the CSP is enforced', async () => {
    const { page, errors } = await open('/consent', VIEWPORTS[0])
    await page.evaluate(() => {
      const s = document.createElement('style')
      s.textContent = 'body{background:rgb(255, 0, 0) !important}'
      document.head.append(s)
    })
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(
      'rgb(255, 0, 0)',
    )
    expect(errors.join('\n')).toMatch(/Content Security Policy/)
    await page.close()
  })
})
