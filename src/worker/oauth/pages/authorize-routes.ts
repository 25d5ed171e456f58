import type { PendingAuthorization } from '../authorization-flow'
import type { OwnerSession } from './browser-session'
import { consentResponse } from './consent-response'
import { csrfRefusal } from './csrf'
import { submitSignIn } from './owner-sign-in'
import {
  authorizeBinding,
  decided,
  flowFailure,
  messagePage,
  ownerSession,
  type PageContext,
  signInPage,
} from './page-context'
import { readForm } from './page-form'
import { seeOther } from './page-response'
import { withError } from './prompt-error'

/**
 * GET /oauth/authorize and its two forms. For a pending request the steps are:
 * sign-in (no session, or `prompt=login` without a sign-in for this very request) →
 * consent (skipped when the owner remembered this app, unless `prompt=consent`) →
 * the client's redirect. `prompt=none` never shows a page: it approves or ends the
 * request with `login_required` / `consent_required`.
 */

const authorizeUrl = (p: { clientId: string; requestUri: string }): string =>
  `/oauth/authorize?${new URLSearchParams({ client_id: p.clientId, request_uri: p.requestUri })}`

const prompts = (pending: PendingAuthorization): Set<string> =>
  new Set((pending.prompt ?? '').split(' ').filter(Boolean))

async function endWith(ctx: PageContext, pending: PendingAuthorization, error: string, description: string) {
  const denied = await ctx.flow.deny(pending.requestUri)
  if (!denied.ok) return flowFailure(ctx, denied.error)
  return seeOther(withError(denied.value.redirectUrl, error, description))
}

/** The step a pending request is at, for the browser's session. */
async function nextStep(ctx: PageContext, pending: PendingAuthorization, session: OwnerSession | null) {
  const prompt = prompts(pending)
  const approveRemembered = async () =>
    decided(ctx, await ctx.flow.approve(pending.requestUri, { remember: true }))
  if (prompt.has('none')) {
    if (!session) return endWith(ctx, pending, 'login_required', 'The owner is not signed in')
    if (!pending.rememberedConsent)
      return endWith(ctx, pending, 'consent_required', 'The owner has not approved this app')
    return approveRemembered()
  }
  const signedIn = session !== null && (!prompt.has('login') || session.signedInFor === pending.requestUri)
  if (!signedIn) return signInPage(ctx, pending)
  if (pending.rememberedConsent && !prompt.has('consent')) return approveRemembered()
  return consentResponse(ctx, pending)
}

/** GET /oauth/authorize?client_id=…&request_uri=… */
export async function authorizePage(ctx: PageContext): Promise<Response> {
  const query = new URL(ctx.req.url).searchParams
  const clientId = query.get('client_id')
  const requestUri = query.get('request_uri')
  if (!clientId || !requestUri)
    return messagePage(
      ctx,
      400,
      'This sign-in link is incomplete',
      'It lacks client_id or request_uri. Go back to the app and start again.',
    )
  const loaded = await ctx.flow.load(requestUri, clientId)
  if (!loaded.ok) return flowFailure(ctx, loaded.error)
  return nextStep(ctx, loaded.value, await ownerSession(ctx))
}

/** The request a form carries, checked for CSRF and still pending; or the page that refuses it. */
async function formRequest(ctx: PageContext) {
  const form = await readForm(ctx.req)
  if (!form) return messagePage(ctx, 400, 'Not a form', 'Expected a form submission.')
  const requestUri = form.get('request_uri') ?? ''
  const clientId = form.get('client_id') ?? ''
  if (!requestUri || !clientId)
    return messagePage(ctx, 400, 'This form is incomplete', 'It lacks client_id or request_uri.')
  const refusal = await csrfRefusal(
    ctx.req,
    ctx.config,
    ctx.jar,
    form.get('csrf'),
    authorizeBinding(requestUri),
  )
  if (refusal) return messagePage(ctx, 403, 'Request refused', refusal)
  const loaded = await ctx.flow.load(requestUri, clientId)
  if (!loaded.ok) return flowFailure(ctx, loaded.error)
  return { form, pending: loaded.value }
}

/** POST /oauth/authorize/sign-in: the handle and main password, then back to the request. */
export async function authorizeSignIn(ctx: PageContext): Promise<Response> {
  const request = await formRequest(ctx)
  if (request instanceof Response) return request
  const { form, pending } = request
  const signedIn = await submitSignIn(ctx, pending, form)
  if (signedIn instanceof Response) return signedIn
  return seeOther(authorizeUrl({ clientId: pending.client.clientId, requestUri: pending.requestUri }), [
    signedIn.cookie,
  ])
}

/** POST /oauth/authorize/consent: Allow (optionally remembered) or Deny. */
export async function authorizeConsent(ctx: PageContext): Promise<Response> {
  const request = await formRequest(ctx)
  if (request instanceof Response) return request
  const { form, pending } = request
  if (!(await ownerSession(ctx)))
    return signInPage(ctx, pending, { error: 'Your sign-in has ended. Sign in again.', status: 401 })
  const decision = form.get('decision')
  if (decision === 'allow')
    return decided(
      ctx,
      await ctx.flow.approve(pending.requestUri, { remember: form.get('remember') === '1' }),
    )
  if (decision === 'deny') return decided(ctx, await ctx.flow.deny(pending.requestUri))
  return messagePage(ctx, 400, 'No decision', 'Choose Allow or Deny.')
}
