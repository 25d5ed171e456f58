import { describe, expect, it } from 'vitest'
import { BASE_URL, OWNER, workerFetch } from './helpers/client'
import { exampleClient } from './helpers/fake-authorization-flow'
import { pagesWithFakeFlow } from './helpers/oauth-pages'
import { formFields, type PageBrowser } from './helpers/page-browser'
import { callAs, PASSWORD } from './helpers/session'

describe('authorized-apps page', () => {
  const grant = (id: string, name: string) => ({
    grantId: id,
    client: exampleClient({ clientId: `https://${id}.example/client.json`, name }),
    scope: 'atproto repo:app.bsky.feed.post?action=create',
    createdAt: Date.now() - 3 * 86_400_000,
    lastUsedAt: Date.now() - 2 * 3_600_000,
  })

  async function signedInApps(b: PageBrowser): Promise<string> {
    const fields = await b.formOf('/oauth/apps', '/oauth/apps/sign-in')
    const res = await b.post('/oauth/apps/sign-in', { ...fields, password: PASSWORD })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/oauth/apps')
    return (await b.get('/oauth/apps')).text()
  }

  it('asks for sign-in, then lists the grants with their permissions', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    flow.addGrant(grant('one', 'First App'))
    flow.addGrant(grant('two', 'Second App'))
    const b = browser()
    const gate = await b.get('/oauth/apps')
    expect(gate.status).toBe(200)
    const gateHtml = await gate.text()
    expect(gateHtml).toContain('action="/oauth/apps/sign-in"')
    expect(gateHtml).not.toContain('First App')
    const html = await signedInApps(b)
    expect(html).toContain('First App')
    expect(html).toContain('Second App')
    expect(html).toContain('Create posts')
    expect(html).toContain('Authorized 3 days ago')
    expect(html).toContain('last used 2 hours ago')
  })

  it('revokes a grant with a CSRF-protected form', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    flow.addGrant(grant('one', 'First App'))
    const b = browser()
    const html = await signedInApps(b)
    const fields = formFields(html, '/oauth/apps/revoke')
    expect(fields.grant_id).toBe('one')
    expect((await b.post('/oauth/apps/revoke', { ...fields, csrf: 'forged' })).status).toBe(403)
    expect((await b.post('/oauth/apps/revoke', fields, { origin: 'https://evil.example' })).status).toBe(403)
    expect(flow.callsOf('revokeGrant')).toEqual([])
    const res = await b.post('/oauth/apps/revoke', fields)
    expect(res.status).toBe(303)
    expect(flow.callsOf('revokeGrant')).toEqual([{ op: 'revokeGrant', grantId: 'one' }])
    expect(await (await b.get('/oauth/apps')).text()).toContain('No app has access')
  })

  it('signs out', async () => {
    const { browser } = pagesWithFakeFlow()
    const b = browser()
    const html = await signedInApps(b)
    const res = await b.post('/oauth/sign-out', formFields(html, '/oauth/sign-out'))
    expect(res.status).toBe(303)
    expect(b.cookies.has('__Host-oauth-session')).toBe(false)
    expect(await (await b.get('/oauth/apps')).text()).toContain('action="/oauth/apps/sign-in"')
  })
})

describe('OAuth pages in the Worker', () => {
  it('are mounted at /oauth with their own headers', async () => {
    const res = await workerFetch(`${BASE_URL}/oauth/apps`, {
      headers: { 'cf-connecting-ip': '198.51.100.60' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'nonce-/)
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(await res.text()).toContain('action="/oauth/apps/sign-in"')
  })

  it('revoking every session signs the browser out too', async () => {
    const { browser } = pagesWithFakeFlow()
    const b = browser()
    const fields = await b.formOf('/oauth/apps', '/oauth/apps/sign-in')
    expect((await b.post('/oauth/apps/sign-in', { ...fields, password: PASSWORD })).status).toBe(303)
    expect(await (await b.get('/oauth/apps')).text()).toContain('Authorized apps')
    const revoked = await callAs(OWNER.authToken, 'dev.edgepds.server.revokeAllSessions', { body: {} })
    expect(revoked.status).toBe(200)
    expect(await (await b.get('/oauth/apps')).text()).toContain('action="/oauth/apps/sign-in"')
  })
})
