import type { AccountActor } from '../../../actors/account'
import type { Config } from '../../../shared/config'
import { XRPCError } from '../../../shared/xrpc-error'
import { unwrap } from '../../actor-errors'
import { authenticateLogin, clientIp, identifierKey } from '../../auth/login'
import type { PendingAuthorization } from '../authorization-flow'
import { type PageContext, signedInCookie, signInPage } from './page-context'

export type SignInOutcome =
  | { ok: true; generation: number }
  | { ok: false; status: number; message: string; headers: Record<string, string> }

/**
 * Checks the owner's handle and MAIN password as createSession does: the account actor's
 * login limits admit the attempt first (same counters, so the pages buy no extra guesses)
 * and a success refunds the failure it reserved. App passwords never sign in here: the
 * limits are asked for no app-password hashes, so one is simply a wrong password, and
 * nothing is hashed for it.
 */
export async function signInOwner(
  req: Request,
  config: Config,
  account: DurableObjectStub<AccountActor>,
  input: { identifier: string; password: string },
): Promise<SignInOutcome> {
  const attempt = { identifier: identifierKey(config, input.identifier), ip: clientIp(req) }
  try {
    const { appPassword, ticket } = await authenticateLogin(config, input, async () =>
      unwrap(await account.beginLogin(attempt, false)),
    )
    // Unreachable while no hashes are asked for; kept so a change there cannot let one in.
    if (appPassword !== null) return refused(401, 'Wrong handle or password.')
    return { ok: true, generation: await account.completeBrowserLogin(ticket) }
  } catch (e) {
    if (!(e instanceof XRPCError) || e.status >= 500) throw e
    if (e.status === 429)
      return refused(429, 'Too many sign-in attempts. Wait a while and try again.', e.headers)
    return refused(401, 'Wrong handle or password.')
  }
}

const refused = (status: number, message: string, headers: Record<string, string> = {}): SignInOutcome => ({
  ok: false,
  status,
  message,
  headers,
})

/**
 * The sign-in form's submission, for a pending request or (null) the authorized-apps page:
 * the cookie of the owner's new sign-in, or the form again saying what went wrong.
 */
export async function submitSignIn(
  ctx: PageContext,
  pending: PendingAuthorization | null,
  form: URLSearchParams,
): Promise<{ cookie: string } | Response> {
  const identifier = form.get('identifier')?.trim() ?? ''
  const password = form.get('password') ?? ''
  if (!identifier || !password)
    return signInPage(ctx, pending, { error: 'Enter your handle and password.', status: 400, identifier })
  const outcome = await signInOwner(ctx.req, ctx.config, ctx.account, { identifier, password })
  if (!outcome.ok)
    return signInPage(ctx, pending, {
      error: outcome.message,
      status: outcome.status,
      headers: outcome.headers,
      identifier,
    })
  return { cookie: await signedInCookie(ctx, pending?.requestUri ?? null, outcome.generation) }
}
