import type { AccountActor, IssuedGrant } from '../../actors/account'
import type { Config } from '../../shared/config'
import { ACCESS_TOKEN_TTL_MS, createOAuthAccessToken } from './access-token'
import { param, readForm, requireAsProof } from './as-request'
import { type OAuthClient, resolveClient } from './client'
import { authenticateClient } from './client-auth'
import { sha256B64url } from './derived-keys'
import { invalidGrant, invalidRequest, OAuthError, unwrapOAuth } from './oauth-error'

// RFC 7636 §4.1: 43 to 128 unreserved characters.
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/

const mayRefresh = (client: OAuthClient) => client.metadata.grant_types.includes('refresh_token')

/** The token response for a grant (RFC 6749 §5.1 plus atproto's `sub`). */
async function tokenResponse(config: Config, client: OAuthClient, issued: IssuedGrant): Promise<Response> {
  const now = Date.now()
  const { grant } = issued
  const expiresAt = Math.min(now + ACCESS_TOKEN_TTL_MS, grant.sessionExpiresAt)
  if (expiresAt - now < 1000) throw invalidGrant('Session expired')
  const accessToken = await createOAuthAccessToken(config, {
    scope: grant.scope,
    clientId: grant.clientId,
    grantId: grant.id,
    jkt: grant.dpopJkt,
    expiresAt,
    now,
  })
  return Response.json(
    {
      access_token: accessToken,
      token_type: 'DPoP',
      expires_in: Math.floor((expiresAt - now) / 1000),
      ...(mayRefresh(client) ? { refresh_token: issued.refreshToken } : {}),
      scope: grant.scope,
      sub: config.did,
    },
    { headers: { 'cache-control': 'no-store', pragma: 'no-cache' } },
  )
}

/**
 * `POST /oauth/token`: the `authorization_code` grant (once, PKCE verifier, same client,
 * redirect URI and DPoP key as the request; a code used twice revokes what it issued) and
 * the `refresh_token` grant (rotated each time; a replaced token revokes the session).
 */
export async function tokenEndpoint(
  req: Request,
  config: Config,
  account: DurableObjectStub<AccountActor>,
): Promise<Response> {
  const form = await readForm(req)
  const proof = await requireAsProof(req, config)
  const clientId = param(form, 'client_id')
  if (!clientId) throw invalidRequest('client_id is required')
  const client = await resolveClient(clientId)
  const authn = await authenticateClient(client, form, config.publicUrl, { dpopJkt: proof.jkt })
  const once = [proof.once, ...authn.once]
  const grantType = param(form, 'grant_type')

  if (grantType === 'authorization_code') {
    const code = param(form, 'code')
    const redirectUri = param(form, 'redirect_uri')
    const verifier = param(form, 'code_verifier')
    if (!code) throw invalidRequest('code is required')
    if (!redirectUri) throw invalidRequest('redirect_uri is required')
    if (!verifier) throw invalidRequest('code_verifier is required (PKCE)')
    if (!VERIFIER.test(verifier)) throw invalidGrant('Invalid code_verifier')
    const issued = unwrapOAuth(
      await account.oauthExchangeCode(
        {
          code,
          clientId,
          clientAuth: authn.auth,
          redirectUri,
          verifierChallenge: await sha256B64url(verifier),
          dpopJkt: proof.jkt,
        },
        once,
      ),
    )
    return tokenResponse(config, client, issued)
  }
  if (grantType === 'refresh_token') {
    const refreshToken = param(form, 'refresh_token')
    if (!refreshToken) throw invalidRequest('refresh_token is required')
    if (!mayRefresh(client))
      throw new OAuthError(400, 'unauthorized_client', 'Client may not use refresh tokens')
    const issued = unwrapOAuth(
      await account.oauthRefresh(
        { refreshToken, clientId, clientAuth: authn.auth, dpopJkt: proof.jkt },
        once,
      ),
    )
    return tokenResponse(config, client, issued)
  }
  throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant_type: ${grantType ?? '(none)'}`)
}
