import { env } from 'cloudflare:test'
import { Hono } from 'hono'
import { oauthPages } from '../../src/worker/oauth/pages'
import { BASE_URL } from './client'
import { FakeAuthorizationFlow } from './fake-authorization-flow'
import { PageBrowser } from './page-browser'

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
