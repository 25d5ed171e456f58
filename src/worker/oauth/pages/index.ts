import { Hono } from 'hono'
import { createLogger } from '../../../shared/logger'
import { ownerConfig } from '../../owner-handle'
import { appsPage, appsRevoke, appsSignIn, signOut } from './apps-routes'
import { authorizeConsent, authorizePage, authorizeSignIn } from './authorize-routes'
import { type FlowFactory, messageResponse, type PageContext, pageContext } from './page-context'

export type { FlowFactory } from './page-context'

const log = createLogger('auth')

/**
 * The pages the owner sees during OAuth, mounted at `/oauth`: sign-in and consent for
 * `GET /authorize`, and the authorized-apps list at `/apps`. Everything about the request
 * itself (PAR, codes, grants) goes through the `AuthorizationFlow` that `flowFor` builds.
 */
export function oauthPages(flowFor: FlowFactory): Hono<{ Bindings: Env }> {
  const pages = new Hono<{ Bindings: Env }>()
  const handle =
    (fn: (ctx: PageContext) => Promise<Response>) =>
    async (c: { req: { raw: Request }; env: Env }): Promise<Response> => {
      const config = await ownerConfig(c.env)
      try {
        return await fn(pageContext(c.req.raw, c.env, config, flowFor))
      } catch (e) {
        log.error('oauth page failed', { error: String(e), stack: e instanceof Error ? e.stack : undefined })
        const message = 'The server could not finish this step. Try again.'
        return messageResponse(config.hostname, 500, 'Something went wrong', message)
      }
    }
  pages.get('/authorize', handle(authorizePage))
  pages.post('/authorize/sign-in', handle(authorizeSignIn))
  pages.post('/authorize/consent', handle(authorizeConsent))
  pages.get('/apps', handle(appsPage))
  pages.post('/apps/sign-in', handle(appsSignIn))
  pages.post('/apps/revoke', handle(appsRevoke))
  pages.post('/sign-out', handle(signOut))
  return pages
}
