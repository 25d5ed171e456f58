import { describe, expect, it } from 'vitest'
import { OWNER } from './helpers/client'
import { exampleClient } from './helpers/fake-authorization-flow'
import {
  authorizePath,
  CONSENT,
  consentFields,
  location,
  pagesWithFakeFlow,
  SIGN_IN,
  signIn,
} from './helpers/oauth-pages'

describe('OAuth consent page', () => {
  it('names the client, its host and the permissions in plain words', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const p = flow.push({
      scope: 'atproto repo:app.bsky.feed.post blob:image/* rpc:*?aud=did:web:api.bsky.app%23bsky_appview',
    })
    const b = browser()
    await signIn(b, p)
    const html = await (await b.get(authorizePath(p))).text()
    expect(html).toContain('app.example.com')
    expect(html).toContain('Example App wants to access your account')
    expect(html).toContain('Create, update and delete posts')
    expect(html).toContain('Upload images')
    expect(html).toContain('Call the Bluesky app view on your behalf')
    expect(html).toContain(`@${OWNER.handle}`)
    expect(html).toContain('<img class="logo" src="https://app.example.com/logo.png"')
    expect(html).not.toContain('Development app')
  })

  it('flags a loopback client as a development app, escapes what the client says and shows no http logo', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const client = exampleClient({
      clientId: 'http://localhost?redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb',
      name: '<script>alert(1)</script>',
      logoUri: 'http://tracker.example/logo.png',
      clientUri: 'javascript:alert(1)',
      loopback: true,
    })
    const p = flow.push({ client, redirectUri: 'http://127.0.0.1/cb' })
    const b = browser()
    await signIn(b, p)
    const html = await (await b.get(authorizePath(p))).text()
    expect(html).toContain('Development app on this device')
    expect(html).not.toContain('<script>')
    expect(html).toContain('&#60;script&#62;')
    expect(html).not.toContain('tracker.example')
    expect(html).not.toContain('javascript:')
  })

  it('shows "full access" for transition:generic', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const p = flow.push({ scope: 'atproto transition:generic' })
    const b = browser()
    await signIn(b, p)
    expect(await (await b.get(authorizePath(p))).text()).toContain(
      'Full access to your account like an app password',
    )
  })

  it('Allow redirects with the flow’s redirect; remember passes through', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const b = browser()
    const p = flow.push({ state: 'xyz' })
    await signIn(b, p)
    const res = await b.post(CONSENT, { ...(await consentFields(b, p)), decision: 'allow' })
    expect(res.status).toBe(303)
    const to = location(res)
    expect(to.origin + to.pathname).toBe('https://app.example.com/callback')
    expect(to.searchParams.get('code')).toBe(`code-for-${p.requestUri}`)
    expect(to.searchParams.get('state')).toBe('xyz')
    expect(flow.callsOf('approve')).toEqual([{ op: 'approve', requestUri: p.requestUri, remember: false }])

    const q = flow.push()
    await b.post(CONSENT, { ...(await consentFields(b, q)), decision: 'allow', remember: '1' })
    expect(flow.callsOf('approve').at(-1)).toEqual({
      op: 'approve',
      requestUri: q.requestUri,
      remember: true,
    })
  })

  it('Deny redirects with access_denied from the flow', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const b = browser()
    const p = flow.push({ state: 'abc' })
    await signIn(b, p)
    const res = await b.post(CONSENT, { ...(await consentFields(b, p)), decision: 'deny' })
    expect(res.status).toBe(303)
    expect(location(res).searchParams.get('error')).toBe('access_denied')
    expect(location(res).searchParams.get('state')).toBe('abc')
    expect(flow.callsOf('deny')).toEqual([{ op: 'deny', requestUri: p.requestUri }])
    expect(flow.callsOf('approve')).toEqual([])
  })

  it('a consent post without a session shows sign-in and approves nothing', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const b = browser()
    const p = flow.push()
    await signIn(b, p)
    const fields = await consentFields(b, p)
    b.cookies.delete('__Host-oauth-session')
    const res = await b.post(CONSENT, { ...fields, decision: 'allow' })
    expect(res.status).toBe(401)
    expect(await res.text()).toContain('Sign in')
    expect(flow.callsOf('approve')).toEqual([])
  })

  it('a remembered app skips consent; prompt=consent asks again', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const b = browser()
    const first = flow.push()
    await signIn(b, first)
    await b.post(CONSENT, { ...(await consentFields(b, first)), decision: 'allow', remember: '1' })

    const again = flow.push()
    const res = await b.get(authorizePath(again))
    expect(res.status).toBe(303)
    expect(location(res).searchParams.get('code')).toBe(`code-for-${again.requestUri}`)
    expect(flow.callsOf('approve').at(-1)).toEqual({
      op: 'approve',
      requestUri: again.requestUri,
      remember: true,
    })

    const asked = flow.push({ prompt: 'consent' })
    const page = await b.get(authorizePath(asked))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('wants to access your account')

    // A broader scope than the one remembered is asked for again.
    const broader = flow.push({ scope: 'atproto transition:generic transition:chat.bsky' })
    expect((await b.get(authorizePath(broader))).status).toBe(200)
  })

  it('an unknown request is an error page; an expired one goes back to the client', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const b = browser()
    const unknown = await b.get(
      authorizePath({ client: exampleClient(), requestUri: 'urn:ietf:params:oauth:request_uri:nope' }),
    )
    expect(unknown.status).toBe(400)
    expect(await unknown.text()).toContain('This request is unknown or was already used.')
    expect(unknown.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")

    const expired = flow.push({ ttlMs: -1 })
    const res = await b.get(authorizePath(expired))
    expect(res.status).toBe(303)
    expect(location(res).searchParams.get('error')).toBe('access_denied')

    const incomplete = await b.get('/oauth/authorize?client_id=x')
    expect(incomplete.status).toBe(400)
  })

  it('a used request cannot be approved twice', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const b = browser()
    const p = flow.push()
    await signIn(b, p)
    const fields = await consentFields(b, p)
    expect((await b.post(CONSENT, { ...fields, decision: 'allow' })).status).toBe(303)
    const second = await b.post(CONSENT, { ...fields, decision: 'allow' })
    expect(second.status).toBe(400)
    expect(flow.callsOf('approve')).toHaveLength(1)
  })
})

describe('OAuth prompt handling', () => {
  it('prompt=login asks a signed-in browser to sign in again, for this request', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const b = browser()
    await signIn(b, flow.push())
    const p = flow.push({ prompt: 'login' })
    const page = await b.get(authorizePath(p))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain(`action="${SIGN_IN}"`)
    expect((await signIn(b, p)).status).toBe(303)
    const consent = await b.get(authorizePath(p))
    expect(await consent.text()).toContain(`action="${CONSENT}"`)
  })

  it('prompt=none without a session ends with login_required, in the query or the fragment', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const b = browser()
    const p = flow.push({ prompt: 'none', state: 's1' })
    const res = await b.get(authorizePath(p))
    expect(res.status).toBe(303)
    expect(location(res).searchParams.get('error')).toBe('login_required')
    expect(location(res).searchParams.get('state')).toBe('s1')
    expect(location(res).searchParams.get('iss')).toBe('https://pds.test')

    const f = flow.push({ prompt: 'none', state: 's2', responseMode: 'fragment' })
    const hash = new URLSearchParams(location(await b.get(authorizePath(f))).hash.slice(1))
    expect(hash.get('error')).toBe('login_required')
    expect(hash.get('state')).toBe('s2')
  })

  it('prompt=none with a session but no remembered consent ends with consent_required; remembered, it approves', async () => {
    const { flow, browser } = pagesWithFakeFlow()
    const b = browser()
    await signIn(b, flow.push())
    const p = flow.push({ prompt: 'none' })
    const res = await b.get(authorizePath(p))
    expect(location(res).searchParams.get('error')).toBe('consent_required')
    expect(flow.callsOf('approve')).toEqual([])

    flow.remember(exampleClient().clientId, 'atproto transition:generic')
    const q = flow.push({ prompt: 'none' })
    const ok = await b.get(authorizePath(q))
    expect(ok.status).toBe(303)
    expect(location(ok).searchParams.get('code')).toBe(`code-for-${q.requestUri}`)
  })
})
