import type { AccountActor, RevokeTarget } from '../../actors/account'
import type { Config } from '../../shared/config'
import { decodeJwt } from '../auth/jwt'
import { verifyOAuthAccessToken } from './access-token'
import { param, readForm, requireAsProof } from './as-request'
import { resolveClient } from './client'
import { authenticateClient } from './client-auth'
import { invalidRequest, unwrapOAuth } from './oauth-error'

/**
 * `POST /oauth/revoke` (RFC 7009): ends the session of a refresh token or of an access
 * token this server issued. The client authenticates as at the token endpoint (§2.1; a
 * DPoP proof is optional here) and may only revoke its own grants. Answers 200 for a
 * token that names no session (§2.2); a missing token is an error.
 */
export async function revokeEndpoint(
  req: Request,
  config: Config,
  account: DurableObjectStub<AccountActor>,
): Promise<Response> {
  const form = await readForm(req)
  const clientId = param(form, 'client_id')
  if (!clientId) throw invalidRequest('client_id is required')
  const token = param(form, 'token')
  if (!token) throw invalidRequest('token is required')
  const proof = req.headers.has('dpop') ? await requireAsProof(req, config) : null
  const client = await resolveClient(clientId)
  const authn = await authenticateClient(client, form, config.publicUrl, { dpopJkt: proof?.jkt })
  const once = proof ? [proof.once, ...authn.once] : authn.once
  // An unverifiable JWT is looked up as a refresh token: it names nothing, but the
  // client's single-use values are still spent.
  let target: RevokeTarget = { refreshToken: token, clientId }
  if (decodeJwt(token)) {
    // An expired access token still names its session; only a signature that checks out counts.
    const verified = await verifyOAuthAccessToken(token, config, 0)
    if (verified.ok) target = { grantId: verified.claims.grantId, clientId }
  }
  unwrapOAuth(await account.oauthRevoke(target, once))
  return new Response(null, { status: 200, headers: { 'cache-control': 'no-store' } })
}
