import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { StatusView } from '../../src/worker/status/gather'
import { loggedInAgent } from './clients/pds-agent'
import { launchChromium } from './harness/headless-chromium'
import { loopbackFetch } from './harness/loopback-fetch'
import { pds } from './harness/pds-context'

const id = pds()
async function statusJson(auth?: string): Promise<StatusView> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (auth) headers.authorization = `Bearer ${auth}`
  const res = await loopbackFetch(new URL('/', id.baseUrl), { headers })
  expect(res.status).toBe(200)
  return (await res.json()) as StatusView
}

/** A firehose subscriber from the live head, open until closed. */
function openSubscriber(): Promise<WebSocket> {
  const url = new URL('/xrpc/com.atproto.sync.subscribeRepos', id.baseUrl)
  url.protocol = 'ws:'
  const ws = new WebSocket(url)
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

describe('the status page in a browser', () => {
  let browser: Browser
  let subscriber: WebSocket
  beforeAll(async () => {
    browser = await launchChromium()
    subscriber = await openSubscriber()
  })
  afterAll(async () => {
    subscriber?.close()
    await browser?.close()
  })

  it('shows the figures after writes with a subscriber open, in the public and the owner view', async () => {
    const agent = await loggedInAgent(id)
    const collection = 'com.example.status.e2e'
    for (let i = 0; i < 3; i++) {
      await agent.com.atproto.repo.createRecord({
        repo: id.did,
        collection,
        record: { $type: collection, n: i, createdAt: new Date().toISOString() },
      })
    }
    const expected = await statusJson()
    expect(expected.firehose.subscribers).toBeGreaterThanOrEqual(1)

    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 })
    const blocked: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') blocked.push(m.text())
    })
    await page.goto(id.baseUrl)
    const text = async (selector: string) => (await page.locator(selector).textContent()) ?? ''
    const value = (key: string) => text(`[data-k="${key}"]`)
    await expect(page.title()).resolves.toContain(id.handle)
    expect(await value(`collection:${collection}`)).toBe('3')
    expect(await value('head-seq')).toBe(expected.firehose.head.toLocaleString('en-US'))
    expect(Number((await value('subscribers')).replace(/,/g, ''))).toBeGreaterThanOrEqual(1)
    expect(await value('account-status')).toBe('active')
    expect(await text('footer')).toContain('public view')
    expect(await text('body')).not.toMatch(/clients|replaying/)

    // The owner's view, with the static token as the header a client would send.
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${id.authToken}` })
    await page.goto(id.baseUrl)
    expect(await text('footer')).toContain("owner's view")
    expect(await text('#firehose')).toMatch(/\d+ clients?, \d+ live/)
    // No asset was refused by the CSP: the page needs none.
    expect(blocked).toEqual([])

    const dir = join(process.cwd(), 'bench-results')
    mkdirSync(dir, { recursive: true })
    const path = join(dir, 'status-page.png')
    await page.screenshot({ path, fullPage: true })
    console.log(`[status-page] screenshot: ${path}`)
    await page.close()
  })
})
