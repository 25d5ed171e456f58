import { renderApps } from './apps-page'
import { clearedSessionCookie } from './browser-session'
import { csrfRefusal } from './csrf'
import { submitSignIn } from './owner-sign-in'
import {
  APPS_BINDING,
  formToken,
  messagePage,
  ownerSession,
  type PageContext,
  signInPage,
} from './page-context'
import { readForm } from './page-form'
import { pageResponse, seeOther } from './page-response'

/** The owner's authorized-apps page (`/oauth/apps`): the grants, each revocable; sign-in first. */

/** GET /oauth/apps */
export async function appsPage(ctx: PageContext): Promise<Response> {
  if (!(await ownerSession(ctx))) return signInPage(ctx, null)
  const [grants, { csrf, cookie }] = await Promise.all([ctx.flow.listGrants(), formToken(ctx, APPS_BINDING)])
  const view = { host: ctx.config.hostname, handle: ctx.config.handle, grants, csrf, now: Date.now() }
  return pageResponse((nonce) => renderApps({ ...view, nonce }), { cookies: [cookie] })
}

/** A form of the apps page, checked for CSRF; or the page that refuses it. */
async function appsForm(ctx: PageContext): Promise<URLSearchParams | Response> {
  const form = await readForm(ctx.req)
  if (!form) return messagePage(ctx, 400, 'Not a form', 'Expected a form submission.')
  const refusal = await csrfRefusal(ctx.req, ctx.config, ctx.jar, form.get('csrf'), APPS_BINDING)
  if (refusal) return messagePage(ctx, 403, 'Request refused', refusal)
  return form
}

/** POST /oauth/apps/sign-in */
export async function appsSignIn(ctx: PageContext): Promise<Response> {
  const form = await appsForm(ctx)
  if (form instanceof Response) return form
  const signedIn = await submitSignIn(ctx, null, form)
  if (signedIn instanceof Response) return signedIn
  return seeOther('/oauth/apps', [signedIn.cookie])
}

/** POST /oauth/apps/revoke: ends one grant (its tokens stop working), back to the list. */
export async function appsRevoke(ctx: PageContext): Promise<Response> {
  const form = await appsForm(ctx)
  if (form instanceof Response) return form
  if (!(await ownerSession(ctx)))
    return signInPage(ctx, null, { error: 'Your sign-in has ended. Sign in again.', status: 401 })
  const grantId = form.get('grant_id')
  if (!grantId) return messagePage(ctx, 400, 'No app chosen', 'The form lacks grant_id.')
  await ctx.flow.revokeGrant(grantId)
  return seeOther('/oauth/apps')
}

/** POST /oauth/sign-out: forgets the browser's sign-in. */
export async function signOut(ctx: PageContext): Promise<Response> {
  const form = await appsForm(ctx)
  if (form instanceof Response) return form
  return seeOther('/oauth/apps', [clearedSessionCookie(ctx.jar)])
}
