import { type AccountActor, accountStub } from '../../../actors/account'
import type { Config } from '../../../shared/config'
import type { AuthorizationFlow, FlowError, FlowResult, PendingAuthorization } from '../authorization-flow'
import { type OwnerSession, readSession, sessionCookie } from './browser-session'
import { type CookieJar, cookieJar } from './cookies'
import { csrfSeed, csrfToken } from './csrf'
import { renderMessage } from './message-page'
import { formTargetSource, pageResponse, seeOther } from './page-response'
import { renderSignIn } from './sign-in-page'

/** What builds the protocol side for a request: `authorizationFlow` from `../flow.ts`. */
export type FlowFactory = (env: Env, config: Config) => AuthorizationFlow

/** Everything one page request works with. */
export type PageContext = {
  req: Request
  config: Config
  jar: CookieJar
  /** Built on first use: a page that needs no request (a sign-in form) does not build it. */
  readonly flow: AuthorizationFlow
  account: DurableObjectStub<AccountActor>
}

export function pageContext(req: Request, env: Env, config: Config, flowFor: FlowFactory): PageContext {
  let flow: AuthorizationFlow | null = null
  return {
    req,
    config,
    jar: cookieJar(config.publicUrl),
    account: accountStub(env),
    get flow() {
      flow ??= flowFor(env, config)
      return flow
    },
  }
}

/**
 * The browser's owner session: a valid cookie (browser-session.ts) whose session
 * generation the account actor still accepts.
 */
export async function ownerSession(ctx: PageContext): Promise<OwnerSession | null> {
  const session = await readSession(ctx.req, ctx.config, ctx.jar)
  if (!session) return null
  const check = { kind: 'session', appPasswordId: null, generation: session.generation } as const
  return (await ctx.account.admit(check)).ok ? session : null
}

/** The `Set-Cookie` of a sign-in that just succeeded. */
export const signedInCookie = (
  ctx: PageContext,
  signedInFor: string | null,
  generation: number,
): Promise<string> => sessionCookie(ctx.config, ctx.jar, { signedInFor, generation })

/** The CSRF binding of a pending request's forms. */
export const authorizeBinding = (requestUri: string): string => `authorize:${requestUri}`
export const APPS_BINDING = 'apps'

/** The form token for `binding`, and the seed cookie to set when the browser had none. */
export async function formToken(
  ctx: PageContext,
  binding: string,
): Promise<{ csrf: string; cookie: string | null }> {
  const { seed, setCookie } = csrfSeed(ctx.req, ctx.jar)
  return { csrf: await csrfToken(ctx.config, seed, binding), cookie: setCookie }
}

export function messagePage(
  ctx: PageContext,
  status: number,
  title: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return messageResponse(ctx.config.hostname, status, title, message, headers)
}

export const messageResponse = (
  host: string,
  status: number,
  title: string,
  message: string,
  headers: Record<string, string> = {},
): Response => pageResponse((nonce) => renderMessage({ nonce, host, title, message }), { status, headers })

/** A request that cannot go on: back to the client when it can be told, else a page saying why. */
export function flowFailure(ctx: PageContext, error: FlowError): Response {
  if (error.redirectUrl) return seeOther(error.redirectUrl)
  return messagePage(
    ctx,
    400,
    'This request cannot continue',
    `${error.description} Go back to the app and start again.`,
  )
}

/** The answer to approve/deny: the client's redirect. */
export const decided = (ctx: PageContext, result: FlowResult<{ redirectUrl: string }>): Response =>
  result.ok ? seeOther(result.value.redirectUrl) : flowFailure(ctx, result.error)

/** The sign-in form for a pending request (`pending`) or the authorized-apps page (null). */
export async function signInPage(
  ctx: PageContext,
  pending: PendingAuthorization | null,
  opts: { error?: string; status?: number; headers?: Record<string, string>; identifier?: string } = {},
): Promise<Response> {
  const binding = pending ? authorizeBinding(pending.requestUri) : APPS_BINDING
  const { csrf, cookie } = await formToken(ctx, binding)
  const identifier = opts.identifier ?? pending?.loginHint ?? ctx.config.handle
  const hidden: Record<string, string> = pending
    ? { request_uri: pending.requestUri, client_id: pending.client.clientId }
    : {}
  const view = {
    host: ctx.config.hostname,
    action: pending ? '/oauth/authorize/sign-in' : '/oauth/apps/sign-in',
    hidden,
    csrf,
    identifier,
    error: opts.error ?? null,
    client: pending?.client ?? null,
  }
  return pageResponse((nonce) => renderSignIn({ ...view, nonce }), {
    status: opts.status ?? 200,
    headers: opts.headers,
    cookies: [cookie],
    formTargets: pending ? [formTargetSource(pending.redirectUri)] : [],
  })
}
