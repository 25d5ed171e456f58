import { oauthAuthorizationRequestParametersSchema } from '@atproto/oauth-types'
import type { AccountActor, AuthorizationRequest } from '../../actors/account'
import type { Config } from '../../shared/config'
import { expandRequestedScope } from '../auth/permissions/permission-sets-worker'
import { param, readForm, requireAsProof } from './as-request'
import { type OAuthClient, resolveClient } from './client'
import { authenticateClient } from './client-auth'
import { invalidRequest, invalidScope, OAuthError, unwrapOAuth } from './oauth-error'
import { checkRequestedScope } from './scope'

// Parameters PAR reads itself, or that only authenticate the client.
const NOT_REQUEST_PARAMS = new Set(['client_assertion', 'client_assertion_type'])

/** Loopback IP redirect URIs match on everything but the port (RFC 8252 §7.3); others exactly. */
function sameRedirectUri(registered: string, given: string): boolean {
  if (registered === given) return true
  const [a, b] = [new URL(registered), new URL(given)]
  const loopback = (u: URL) =>
    u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === '[::1]')
  if (!loopback(a) || !loopback(b)) return false
  a.port = ''
  b.port = ''
  return a.href === b.href
}

/** The redirect URI a request names, one of the client's (or its only one when not named). */
function redirectUriFor(client: OAuthClient, given: string | undefined): string {
  const registered: readonly string[] = client.metadata.redirect_uris
  if (given === undefined) {
    if (registered.length === 1 && registered[0]) return registered[0]
    throw invalidRequest('redirect_uri is required: the client has more than one')
  }
  if (!registered.some((r) => sameRedirectUri(r, given)))
    throw invalidRequest("redirect_uri does not match any of the client's")
  return given
}

/**
 * `POST /oauth/par` (RFC 9126): a DPoP-bound, client-authenticated authorization request
 * with PKCE S256, checked and stored; answers `{request_uri, expires_in}` with 201.
 */
export async function pushAuthorizationRequest(
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
  if (form.has('request'))
    throw new OAuthError(400, 'request_not_supported', 'Request objects are not supported')
  if (form.has('request_uri')) throw invalidRequest('request_uri is not allowed at the PAR endpoint')

  const raw = new Map<string, string>()
  for (const [k, v] of form) {
    if (NOT_REQUEST_PARAMS.has(k)) continue
    // RFC 6749 §3.1: request parameters must not be included more than once.
    if (raw.has(k)) throw invalidRequest(`"${k}" must be given once`)
    raw.set(k, v)
  }
  const parsed = oauthAuthorizationRequestParametersSchema.safeParse(Object.fromEntries(raw))
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw invalidRequest(`Invalid ${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`)
  }
  const p = parsed.data
  if (p.response_type !== 'code')
    throw new OAuthError(400, 'unsupported_response_type', 'response_type must be "code"')
  if (!p.code_challenge) throw invalidRequest('code_challenge is required (PKCE)')
  if (p.code_challenge_method !== 'S256') throw invalidRequest('code_challenge_method must be "S256"')
  if (p.response_mode !== undefined && p.response_mode !== 'query' && p.response_mode !== 'fragment')
    throw invalidRequest('response_mode must be "query" or "fragment"')
  if (p.dpop_jkt !== undefined && p.dpop_jkt !== proof.jkt)
    throw invalidRequest('dpop_jkt does not match the DPoP proof')
  if (p.authorization_details !== undefined) throw invalidRequest('authorization_details is not supported')
  const scope = checkRequestedScope(p.scope ?? client.metadata.scope)
  const declared = new Set((client.metadata.scope ?? '').split(' '))
  const undeclared = scope.split(' ').find((t) => !declared.has(t))
  if (undeclared !== undefined)
    throw invalidScope(`Scope "${undeclared}" is not declared in the client metadata`)
  // `include:` permission sets become concrete permissions here, once; refresh keeps them.
  const expanded = await expandRequestedScope(scope, config)
  if (!expanded.ok) throw invalidScope(expanded.message)

  const request: AuthorizationRequest = {
    clientId,
    clientAuth: authn.auth,
    redirectUri: redirectUriFor(client, p.redirect_uri),
    scope: expanded.scope,
    state: p.state ?? null,
    codeChallenge: p.code_challenge,
    responseMode: p.response_mode ?? 'query',
    loginHint: p.login_hint ?? null,
    prompt: p.prompt ?? null,
    dpopJkt: proof.jkt,
  }
  const pushed = unwrapOAuth(await account.oauthPush(request, [proof.once, ...authn.once]))
  return Response.json(
    { request_uri: pushed.requestUri, expires_in: Math.round((pushed.expiresAt - Date.now()) / 1000) },
    { status: 201, headers: { 'cache-control': 'no-store' } },
  )
}
