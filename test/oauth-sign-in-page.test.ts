import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { moveAccountClock, resetAccountActor, setAccountLimits } from './helpers/account-actor'
import { OWNER } from './helpers/client'
import {
  authorizePath,
  CONSENT,
  consentFields,
  pagesWithFakeFlow,
  SIGN_IN,
  signIn,
} from './helpers/oauth-pages'
import { formFields } from './helpers/page-browser'
import { callAs, PASSWORD } from './helpers/session'

describe('OAuth sign-in page', () => {
  let days = 0
  beforeEach(async () => {
    // Fresh login-limit windows for each test, two days past the previous one's.
    days += 2
    await moveAccountClock(days * 86_400_000)
  })
  afterEach(() => resetAccountActor())

  it('shows sign-in, prefilled from login_hint, under a strict CSP with a per-response nonce', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const p = flow.push({ loginHint: 'someone.example', redirectUri: 'http://127.0.0.1:5173/cb' })
    const b = browser()
    const res = await b.get(authorizePath(p))
    expect(res.status).toBe(200)
    const html = await res.text()
    const csp = res.headers.get('content-security-policy') ?? ''
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    expect(html).toContain(`<style nonce="${nonce}">`)
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain('img-src https:')
    expect(csp).toContain("form-action 'self' http://127.0.0.1:5173")
    expect(csp).not.toContain('unsafe-inline')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('referrer-policy')).toBe('same-origin')
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain('<h1>Sign in</h1>')
    const fields = formFields(html, SIGN_IN)
    expect(fields.identifier).toBe('someone.example')
    expect(fields.request_uri).toBe(p.requestUri)
    // Two responses, two nonces.
    const again = await b.get(authorizePath(p))
    expect(again.headers.get('content-security-policy')).not.toContain(nonce)
  })

  it('prefills the owner handle without a login_hint and sets the CSRF cookie as a __Host- cookie', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const p = flow.push()
    const b = browser()
    const fields = await b.formOf(authorizePath(p), SIGN_IN)
    expect(fields.identifier).toBe(OWNER.handle)
    const csrf = b.setCookies.find((c) => c.name === '__Host-oauth-csrf')
    expect(csrf).toBeDefined()
    expect([...(csrf?.attrs.keys() ?? [])].sort()).toEqual([
      'httponly',
      'max-age',
      'path',
      'samesite',
      'secure',
    ])
    expect(csrf?.attrs.get('path')).toBe('/')
    expect(csrf?.attrs.get('samesite')).toBe('Lax')
  })

  it('refuses a wrong password with a 401 page and no session', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const p = flow.push()
    const b = browser()
    const res = await signIn(b, p, 'not-the-password')
    expect(res.status).toBe(401)
    expect(await res.text()).toContain('Wrong handle or password.')
    expect(b.cookies.has('__Host-oauth-session')).toBe(false)
    expect(flow.callsOf('approve')).toEqual([])
  })

  it('refuses another identifier even with the right password', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const p = flow.push()
    const b = browser()
    const fields = await b.formOf(authorizePath(p), SIGN_IN)
    const res = await b.post(SIGN_IN, { ...fields, identifier: 'bob.example.com', password: PASSWORD })
    expect(res.status).toBe(401)
    expect(b.cookies.has('__Host-oauth-session')).toBe(false)
  })

  it('refuses an app password that createSession accepts', async () => {
    const created = await callAs(OWNER.authToken, 'com.atproto.server.createAppPassword', {
      body: { name: `oauth-pages-${days}` },
    })
    expect(created.status).toBe(200)
    const { password: appPassword } = (await created.json()) as { password: string }
    const session = await callAs(null, 'com.atproto.server.createSession', {
      body: { identifier: OWNER.handle, password: appPassword },
      headers: { 'cf-connecting-ip': '198.51.100.99' },
    })
    expect(session.status).toBe(200)

    const { flow, browser } = pagesWithFakeFlow()
    const p = flow.push()
    const b = browser()
    const res = await signIn(b, p, appPassword)
    expect(res.status).toBe(401)
    expect(b.cookies.has('__Host-oauth-session')).toBe(false)
  })

  it('signs in with the main password: a short-lived __Host- session cookie and a 303 back to the request', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const p = flow.push()
    const b = browser()
    const res = await signIn(b, p)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(authorizePath(p))
    const cookie = b.setCookies.find((c) => c.name === '__Host-oauth-session')
    expect(cookie).toBeDefined()
    expect(cookie?.attrs.has('httponly')).toBe(true)
    expect(cookie?.attrs.has('secure')).toBe(true)
    expect(cookie?.attrs.get('samesite')).toBe('Lax')
    expect(Number(cookie?.attrs.get('max-age'))).toBeLessThanOrEqual(86_400)
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    const consent = await b.get(authorizePath(p))
    expect(consent.status).toBe(200)
    expect(await consent.text()).toContain('wants to access your account')
  })

  it('shares the login limits with createSession: failures there lock the page, even for the right password', async () => {
    const rule = { limit: 4, windowMs: 5 * 60_000 }
    await setAccountLimits({ loginFailures: [rule] })
    const { flow, browser } = pagesWithFakeFlow()
    const p = flow.push()
    const b = browser()
    for (let i = 0; i < 2; i++) {
      const r = await callAs(null, 'com.atproto.server.createSession', {
        body: { identifier: OWNER.handle, password: `wrong-${i}` },
        headers: { 'cf-connecting-ip': b.ip },
      })
      expect(r.status).toBe(401)
    }
    for (let i = 0; i < 2; i++) expect((await signIn(b, p, `wrong-page-${i}`)).status).toBe(401)
    const limited = await signIn(b, p, PASSWORD)
    expect(limited.status).toBe(429)
    expect(await limited.text()).toContain('Too many sign-in attempts')
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(b.cookies.has('__Host-oauth-session')).toBe(false)
    // createSession is locked by the page's failures too.
    const session = await callAs(null, 'com.atproto.server.createSession', {
      body: { identifier: OWNER.handle, password: PASSWORD },
      headers: { 'cf-connecting-ip': '203.0.113.50' },
    })
    expect(session.status).toBe(429)
  })

  it('refunds the failure reservation of a successful sign-in', async () => {
    const rule = { limit: 2, windowMs: 5 * 60_000 }
    await setAccountLimits({ loginFailures: [rule] })
    const { flow, browser } = pagesWithFakeFlow()
    for (let i = 0; i < 4; i++) {
      const b = browser()
      expect((await signIn(b, flow.push())).status).toBe(303)
    }
  })
})

describe('OAuth pages CSRF', () => {
  it('refuses a sign-in form without, with a wrong, or with another request’s token', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const p = flow.push()
    const other = flow.push()
    const b = browser()
    const fields = await b.formOf(authorizePath(p), SIGN_IN)
    const otherFields = await b.formOf(authorizePath(other), SIGN_IN)
    const { csrf: _c, ...noToken } = fields
    for (const attempt of [
      { ...noToken, password: PASSWORD },
      { ...fields, csrf: 'A'.repeat(43), password: PASSWORD },
      { ...fields, csrf: otherFields.csrf ?? '', password: PASSWORD },
    ]) {
      const res = await b.post(SIGN_IN, attempt)
      expect(res.status).toBe(403)
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    }
    expect(b.cookies.has('__Host-oauth-session')).toBe(false)
  })

  it('refuses a form from another origin or a cross-site fetch, even with the right token', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const p = flow.push()
    const b = browser()
    const fields = { ...(await b.formOf(authorizePath(p), SIGN_IN)), password: PASSWORD }
    expect((await b.post(SIGN_IN, fields, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await b.post(SIGN_IN, fields, { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    expect((await b.post(SIGN_IN, fields, { 'sec-fetch-site': 'same-site' })).status).toBe(403)
    expect(b.cookies.has('__Host-oauth-session')).toBe(false)
    // The same form from this origin goes through.
    expect((await b.post(SIGN_IN, fields)).status).toBe(303)
  })

  it('refuses a token copied to a browser without the matching cookie', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const p = flow.push()
    const fields = await browser().formOf(authorizePath(p), SIGN_IN)
    const attacker = browser()
    await attacker.get(authorizePath(p)) // gets a seed cookie of its own
    expect((await attacker.post(SIGN_IN, { ...fields, password: PASSWORD })).status).toBe(403)
    const bare = browser()
    expect((await bare.post(SIGN_IN, { ...fields, password: PASSWORD })).status).toBe(403)
  })

  it('refuses a consent form without its token: nothing is approved', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const p = flow.push()
    const b = browser()
    expect((await signIn(b, p)).status).toBe(303)
    const fields = await consentFields(b, p)
    const res = await b.post(CONSENT, { ...fields, csrf: '', decision: 'allow' })
    expect(res.status).toBe(403)
    expect(flow.callsOf('approve')).toEqual([])
  })
})
