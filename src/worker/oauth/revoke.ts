import type { AccountActor } from '../../actors/account'
import type { Config } from '../../shared/config'
import { decodeJwt } from '../auth/jwt'
import { verifyOAuthAccessToken } from './access-token'
import { param, readForm } from './as-request'
import { invalidRequest } from './oauth-error'

/**
 * `POST /oauth/revoke` (RFC 7009): ends the session of a refresh token or of an access
 * token this server issued. Answers 200 whatever the token was (§2.2); only a request
 * without a token is an error. Holding the token is what authorizes revoking it.
 */
export async function revokeEndpoint(
  req: Request,
  config: Config,
  account: DurableObjectStub<AccountActor>,
): Promise<Response> {
  const form = await readForm(req)
  const token = param(form, 'token')
  if (!token) throw invalidRequest('token is required')
  if (decodeJwt(token)) {
    // An expired access token still names its session; only a signature that checks out counts.
    const verified = await verifyOAuthAccessToken(token, config, 0)
    if (verified.ok) await account.oauthRevoke({ grantId: verified.claims.grantId })
  } else {
    await account.oauthRevoke({ refreshToken: token })
  }
  return new Response(null, { status: 200, headers: { 'cache-control': 'no-store' } })
}
