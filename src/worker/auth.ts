import type { AccountActor, Admitted, CredentialCheck, Usage } from '../actors/account'
import type { Config } from '../shared/config'
import { XRPCError } from '../shared/xrpc-error'
import { unwrap } from './actor-errors'
import { constantTimeEqual } from './auth/constant-time'
import type { OwnerCredential } from './auth/credential'
import { decodeJwt } from './auth/jwt'
import { looksLikeServiceJwt, verifyInboundServiceJwt } from './auth/service-jwt'
import { type RefreshClaims, verifyAccessToken, verifyRefreshToken } from './auth/session-tokens'
import { DPOP_ALGS } from './oauth/dpop-proof'
import { verifyDpopAccess } from './oauth/resource'

// Both schemes this server takes (RFC 6750 §3, RFC 9449 §7.1), so an OAuth client learns the DPoP algs.
const authRequired = (message: string) =>
  new XRPCError(401, 'AuthenticationRequired', message, {
    'WWW-Authenticate': `Bearer, DPoP algs="${DPOP_ALGS.join(' ')}"`,
  })

const invalidToken = (message: string) => new XRPCError(400, 'InvalidToken', message)

/** A bearer credential whose signature and claims checked out, and what the account actor must still confirm. */
export type VerifiedOwner = { credential: OwnerCredential; check: CredentialCheck }

/** The scheme (`bearer` or `dpop`) and token of a request: missing is 401 with `WWW-Authenticate`, malformed 400. */
export function authorizationToken(req: Request): { scheme: 'bearer' | 'dpop'; token: string } {
  const header = req.headers.get('authorization')
  if (!header) throw authRequired('Authentication Required')
  const match = /^(Bearer|DPoP)\s+(\S+)$/i.exec(header)
  if (!match?.[1] || !match[2]) throw invalidToken('Malformed authorization header')
  return { scheme: match[1].toLowerCase() === 'dpop' ? 'dpop' : 'bearer', token: match[2] }
}

/** The Bearer token of a request: missing is 401 with `WWW-Authenticate`, malformed or DPoP 400. */
export function bearerToken(req: Request): string {
  const { scheme, token } = authorizationToken(req)
  if (scheme !== 'bearer') throw invalidToken('Unexpected authorization type')
  return token
}

/** True for a DPoP-bound token (`cnf.jkt`): it is only accepted with its proof, never as a bearer. */
const isDpopBound = (payload: Record<string, unknown>): boolean =>
  typeof payload.cnf === 'object' && payload.cnf !== null && 'jkt' in payload.cnf

/**
 * Checks a bearer credential without asking the account actor. Accepts, in order: the
 * static `AUTH_TOKEN` (when configured), an access JWT of the current password epoch,
 * for methods that opt in via `serviceLxm`, a service JWT the owner signed for this PDS and
 * method, and (`Authorization: DPoP`) an OAuth access token with its proof. The returned `check` is what `confirmOwner` has the actor confirm
 * (session generation, app password, one use of a service JWT).
 */
export async function verifyOwnerToken(
  req: Request,
  config: Config,
  opts: { serviceLxm?: string; now?: number } = {},
): Promise<VerifiedOwner> {
  const { scheme, token } = authorizationToken(req)
  const now = opts.now ?? Date.now()
  if (scheme === 'dpop') return verifyDpopAccess(req, token, config, now)
  if (config.authToken !== null && constantTimeEqual(token, config.authToken)) {
    return { credential: { type: 'static', did: config.did }, check: { kind: 'static' } }
  }
  const decoded = decodeJwt(token)
  if (!decoded) throw invalidToken('Token could not be verified')
  if (isDpopBound(decoded.payload))
    throw new XRPCError(401, 'InvalidToken', 'DPoP-bound access token must be sent with the DPoP scheme', {
      'WWW-Authenticate':
        'DPoP algs="ES256", error="invalid_token", error_description="DPoP-bound token sent as Bearer"',
    })

  if (looksLikeServiceJwt(token)) {
    if (!opts.serviceLxm) throw invalidToken('Service auth is not accepted for this method')
    const { lxm, jti } = await verifyInboundServiceJwt(token, config, { lxm: opts.serviceLxm, now })
    return { credential: { type: 'service', did: config.did, lxm }, check: { kind: 'service', jti } }
  }

  const claims = await verifyAccessToken(token, config, now)
  return {
    credential: { type: 'session', did: config.did, scope: claims.scope, appPassword: null },
    check: { kind: 'session', appPasswordId: claims.appPasswordId, generation: claims.generation },
  }
}

/** The verified credential completed with what the account actor confirmed. */
export function admittedCredential(verified: VerifiedOwner, admitted: Admitted): OwnerCredential {
  const cred = verified.credential
  return cred.type === 'session' ? { ...cred, appPassword: admitted.appPassword } : cred
}

/**
 * The one place that decides whether a request acts as the owner: `verifyOwnerToken`, then
 * one account-actor call that confirms the credential and charges `usage` (skipped for the
 * static token when there is nothing to charge).
 */
export async function confirmOwner(
  verified: VerifiedOwner,
  account: DurableObjectStub<AccountActor>,
  usage?: Usage,
): Promise<{ credential: OwnerCredential; admitted: Admitted }> {
  const admitted: Admitted =
    verified.check.kind === 'static' && usage === undefined
      ? { appPassword: null, quotaKey: 'static' }
      : unwrap(await account.admit(verified.check, usage))
  return { credential: admittedCredential(verified, admitted), admitted }
}

/**
 * Whether the request carries the owner's own credential, for what only the owner sees
 * (the status page's detail, unreferenced blobs); never throws. An OAuth token is an
 * app acting for the owner within its permissions, so it is not the owner here.
 */
export async function carriesOwnerCredential(
  req: Request,
  config: Config,
  account: DurableObjectStub<AccountActor>,
): Promise<boolean> {
  if (!req.headers.has('authorization')) return false
  try {
    const { credential } = await confirmOwner(await verifyOwnerToken(req, config), account)
    return credential.type !== 'oauth'
  } catch {
    return false
  }
}

/**
 * Verifies the refresh JWT carried as Bearer by refreshSession and deleteSession. An
 * OAuth session (DPoP) refreshes at `/oauth/token` instead: 401 `AuthMissing`, as the
 * reference (its refresh verifier only reads Bearer tokens).
 */
export async function requireRefreshToken(
  req: Request,
  config: Config,
  now = Date.now(),
): Promise<RefreshClaims> {
  const { scheme, token } = authorizationToken(req)
  if (scheme === 'dpop')
    throw new XRPCError(401, 'AuthMissing', 'OAuth sessions are refreshed at the token endpoint, not here')
  return verifyRefreshToken(token, config, now)
}
