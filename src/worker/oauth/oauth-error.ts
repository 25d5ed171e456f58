import type { OAuthStoreCode } from '../../actors/account'
import type { Err } from '../../shared/result'

/**
 * An error of the OAuth endpoints, rendered as RFC 6749 §5.2 JSON `{error,
 * error_description}` (not the XRPC `{error, message}` shape), with `no-store`.
 */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description)
  }

  toResponse(extraHeaders: Record<string, string> = {}): Response {
    return Response.json(
      { error: this.error, error_description: this.description },
      { status: this.status, headers: { 'cache-control': 'no-store', ...this.headers, ...extraHeaders } },
    )
  }
}

export const invalidRequest = (description: string) => new OAuthError(400, 'invalid_request', description)
export const invalidClient = (description: string) => new OAuthError(401, 'invalid_client', description)
export const invalidGrant = (description: string) => new OAuthError(400, 'invalid_grant', description)
export const invalidScope = (description: string) => new OAuthError(400, 'invalid_scope', description)
export const invalidDpopProof = (description: string) =>
  new OAuthError(400, 'invalid_dpop_proof', description)

/** The one table from the account actor's OAuth codes to RFC 6749 / RFC 9449 errors. */
const OAUTH_FOR_CODE: Record<OAuthStoreCode, { status: number; error: string }> = {
  InvalidRequest: { status: 400, error: 'invalid_request' },
  InvalidGrant: { status: 400, error: 'invalid_grant' },
  InvalidClient: { status: 401, error: 'invalid_client' },
  DpopKeyMismatch: { status: 400, error: 'invalid_dpop_proof' },
  Replayed: { status: 400, error: 'invalid_dpop_proof' },
}

/** Unwraps an account-actor OAuth result, throwing its OAuth error on failure. */
export function unwrapOAuth<T>(result: { ok: true; value: T } | Err<OAuthStoreCode>): T {
  if (result.ok) return result.value
  const { status, error } = OAUTH_FOR_CODE[result.error]
  throw new OAuthError(status, error, result.message)
}
