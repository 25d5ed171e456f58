import type { Config } from '../shared/config'
import { XRPCError } from '../shared/xrpc-error'
import { constantTimeEqual } from './auth/constant-time'
import type { AppPasswordInfo, OwnerCredential } from './auth/credential'
import { decodeJwt } from './auth/jwt'
import { looksLikeServiceJwt, verifyInboundServiceJwt } from './auth/service-jwt'
import { type RefreshClaims, verifyAccessToken, verifyRefreshToken } from './auth/session-tokens'

const authRequired = (message: string) =>
  new XRPCError(401, 'AuthenticationRequired', message, { 'WWW-Authenticate': 'Bearer' })

const invalidToken = (message: string) => new XRPCError(400, 'InvalidToken', message)

/** What `requireOwner` needs besides the request. */
export type OwnerAuthOptions = {
  /** Finds a live app password by id; without it, app-password sessions are refused (fail closed). */
  appPasswords?: (id: string) => Promise<AppPasswordInfo | null>
  /** Set when the called method accepts the owner's service JWT: the method's NSID. */
  serviceLxm?: string
  /** Milliseconds since the epoch; tests may pin it. */
  now?: number
}

/** The Bearer token of a request: missing is 401 with `WWW-Authenticate`, malformed 400. */
export function bearerToken(req: Request): string {
  const header = req.headers.get('authorization')
  if (!header) throw authRequired('Authentication Required')
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  if (!match?.[1]) throw invalidToken('Malformed authorization header')
  return match[1]
}

/**
 * The one place that decides whether a request acts as the owner. Accepts, in order:
 * the static `AUTH_TOKEN` (when configured), an access JWT from a session (an
 * app-password session only while that app password exists), and, for methods that
 * opt in via `serviceLxm`, a service JWT the owner signed for this PDS and method.
 */
export async function requireOwner(
  req: Request,
  config: Config,
  opts: OwnerAuthOptions = {},
): Promise<OwnerCredential> {
  const token = bearerToken(req)
  const now = opts.now ?? Date.now()
  if (config.authToken !== null && (await constantTimeEqual(token, config.authToken))) {
    return { type: 'static', did: config.did }
  }
  if (!decodeJwt(token)) throw invalidToken('Token could not be verified')

  if (looksLikeServiceJwt(token)) {
    if (!opts.serviceLxm) throw invalidToken('Service auth is not accepted for this method')
    const { lxm } = await verifyInboundServiceJwt(token, config, { lxm: opts.serviceLxm, now })
    return { type: 'service', did: config.did, lxm }
  }

  const claims = await verifyAccessToken(token, config, now)
  if (claims.appPasswordId === null) {
    return { type: 'session', did: config.did, scope: claims.scope, appPassword: null }
  }
  const appPassword = opts.appPasswords ? await opts.appPasswords(claims.appPasswordId) : null
  if (!appPassword) throw invalidToken('Token has been revoked')
  return { type: 'session', did: config.did, scope: claims.scope, appPassword }
}

/** Verifies the refresh JWT carried as Bearer by refreshSession and deleteSession. */
export async function requireRefreshToken(
  req: Request,
  config: Config,
  now = Date.now(),
): Promise<RefreshClaims> {
  return verifyRefreshToken(bearerToken(req), config, now)
}
