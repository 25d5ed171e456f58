import type { PendingAuthorization } from '../authorization-flow'
import { renderConsent } from './consent-page'
import { authorizeBinding, formToken, type PageContext } from './page-context'
import { formTargetSource, pageResponse } from './page-response'

/** The consent page for a pending request, its form bound to that request. */
export async function consentResponse(ctx: PageContext, pending: PendingAuthorization): Promise<Response> {
  const { csrf, cookie } = await formToken(ctx, authorizeBinding(pending.requestUri))
  const view = { host: ctx.config.hostname, pending, handle: ctx.config.handle, csrf }
  return pageResponse((nonce) => renderConsent({ ...view, nonce }), {
    cookies: [cookie],
    formTargets: [formTargetSource(pending.redirectUri)],
  })
}
