import type { Err } from '../../shared/result'
import type { RateLimitState } from './rate-counters'

/** The expected failures of credential storage (sessions, app passwords, limits). */
export type AccountCode =
  | 'ExpiredToken'
  | 'InvalidToken'
  | 'InvalidRequest'
  | 'TokenRevoked'
  | 'ServiceJwtRefused'
  | 'RateLimitExceeded'
  | 'OAuthTokenRevoked'
  | 'DpopProofReplayed'

/** A refusal by a rate limit; `rateLimit` becomes the `ratelimit-*` headers. */
export type RateLimited = Err<'RateLimitExceeded'> & { rateLimit: RateLimitState }

export const rateLimited = (state: RateLimitState, message: string): RateLimited => ({
  ok: false,
  error: 'RateLimitExceeded',
  message,
  rateLimit: state,
})
