import { env } from 'cloudflare:test'
import { Hono } from 'hono'
import { oauthPages } from '../../src/worker/oauth/pages'
import { BASE_URL } from './client'
import { FakeAuthorizationFlow } from './fake-authorization-flow'
import { PageBrowser } from './page-browser'
import { PASSWORD } from './session'

/** The pages mounted at /oauth as the Worker mounts them, over a fresh fake flow, in this isolate's env. */
export function pagesWithFakeFlow(): { flow: FakeAuthorizationFlow; browser: () => PageBrowser } {
  const flow = new FakeAuthorizationFlow()
  const app = new Hono<{ Bindings: Env }>().route(
    '/oauth',
    oauthPages(() => flow),
  )
  const fetchPage = async (req: Request) => app.fetch(req, env)
  return { flow, browser: () => new PageBrowser(fetchPage, BASE_URL) }
}

export const authorizePath = (p: { client: { clientId: string }; requestUri: string }): string =>
  `/oauth/authorize?${new URLSearchParams({ client_id: p.client.clientId, request_uri: p.requestUri })}`

export const SIGN_IN = '/oauth/authorize/sign-in'
export const CONSENT = '/oauth/authorize/consent'

type Pushed = { client: { clientId: string }; requestUri: string }

/** Signs in on the request's sign-in page; returns the answer to the form. */
export async function signIn(browser: PageBrowser, p: Pushed, password = PASSWORD): Promise<Response> {
  const fields = await browser.formOf(authorizePath(p), SIGN_IN)
  return browser.post(SIGN_IN, { ...fields, password })
}

/** The consent form's fields for a request the browser is signed in for ("remember" left out). */
export async function consentFields(browser: PageBrowser, p: Pushed): Promise<Record<string, string>> {
  const fields = await browser.formOf(authorizePath(p), CONSENT)
  delete fields.remember
  return fields
}

/** Where a redirect answer points. */
export const location = (res: Response): URL => new URL(res.headers.get('location') ?? 'missing:')
