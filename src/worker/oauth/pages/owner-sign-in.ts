import type { AccountActor } from '../../../actors/account'
import type { Config } from '../../../shared/config'
import { XRPCError } from '../../../shared/xrpc-error'
import { unwrap } from '../../actor-errors'
import { authenticateLogin, clientIp, identifierKey } from '../../auth/login'

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
