import type { AccountCode, RateLimited } from '../actors/account/account-codes'
import type { RateLimitState } from '../actors/account/rate-counters'
import type { RepoCode } from '../actors/repo/repo-codes'
import type { Err } from '../shared/result'
import { XRPCError } from '../shared/xrpc-error'

/** Every code an actor can return. */
export type ActorCode = RepoCode | AccountCode

/**
 * The one place actor result codes become XRPC errors: the status and, where it differs
 * from the code, the XRPC error name the client sees.
 */
const XRPC_FOR_CODE: Record<ActorCode, { status: number; error?: string; headers?: Record<string, string> }> =
  {
    InvalidRequest: { status: 400 },
    InvalidSwap: { status: 400 },
    RecordNotFound: { status: 400 },
    BlockNotFound: { status: 400 },
    AccountDeactivated: { status: 400 },
    RepoDeactivated: { status: 400 },
    UploadExpired: { status: 400, error: 'InvalidRequest' },
    ExpiredToken: { status: 400 },
    InvalidToken: { status: 400 },
    TokenRevoked: { status: 400, error: 'InvalidToken' },
    ServiceJwtRefused: { status: 401, error: 'BadJwt' },
    RateLimitExceeded: { status: 429 },
    // An OAuth access token's grant is gone, or its DPoP proof was used before (RFC 9449 §7.1).
    OAuthTokenRevoked: {
      status: 401,
      error: 'InvalidToken',
      headers: {
        'WWW-Authenticate': 'DPoP error="invalid_token", error_description="Token has been revoked"',
      },
    },
    DpopProofReplayed: {
      status: 401,
      error: 'InvalidDpopProof',
      headers: {
        'WWW-Authenticate': 'DPoP error="invalid_dpop_proof", error_description="DPoP proof replayed"',
      },
    },
  }

/** The reference's rate-limit headers (`ratelimit-*`, seconds) plus `retry-after`. */
export function rateLimitHeaders(state: RateLimitState, now = Date.now()): Record<string, string> {
  const reset = Math.ceil(state.resetAt / 1000)
  return {
    'ratelimit-limit': String(state.limit),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': String(reset),
    'retry-after': String(Math.max(1, Math.ceil((state.resetAt - now) / 1000))),
  }
}

/** The XRPC error for an actor's failed result. */
export function xrpcErrorFor(e: Err<ActorCode>): XRPCError {
  const { status, error, headers: fixed } = XRPC_FOR_CODE[e.error]
  const headers = 'rateLimit' in e ? rateLimitHeaders((e as RateLimited).rateLimit) : { ...fixed }
  return new XRPCError(status, error ?? e.error, e.message, headers)
}

/** Unwraps an actor result, throwing the matching XRPC error on failure. */
export function unwrap<T>(result: { ok: true; value: T } | Err<ActorCode>): T {
  if (!result.ok) throw xrpcErrorFor(result)
  return result.value
}
