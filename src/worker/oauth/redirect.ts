import type { AuthorizationRequest } from '../../actors/account'

/**
 * The authorization response redirect (RFC 6749 §4.1.2, RFC 9207 `iss`): `params`
 * (`code`, or `error`) plus the request's `state` and the issuer, in the query or the
 * fragment as the request's `response_mode` says.
 */
export function authorizationRedirect(
  request: Pick<AuthorizationRequest, 'redirectUri' | 'state' | 'responseMode'>,
  params: Record<string, string>,
  issuer: string,
): string {
  const url = new URL(request.redirectUri)
  const out = new URLSearchParams(params)
  if (request.state !== null) out.set('state', request.state)
  out.set('iss', issuer)
  if (request.responseMode === 'fragment') {
    url.hash = out.toString()
  } else {
    for (const [k, v] of out) url.searchParams.set(k, v)
  }
  return url.href
}
