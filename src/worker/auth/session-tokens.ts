import type { Config } from '../../shared/config'
import { XRPCError } from '../../shared/xrpc-error'
import { configEpochClaim } from './config-epoch'
import { signHs256, verifyHs256 } from './jwt'

/** Access-token scopes (atproto `auth-scope.ts`); the app reads `scope` from the JWT itself. */
export const ACCESS_SCOPE = 'com.atproto.access'
export const APP_PASS_SCOPE = 'com.atproto.appPass'
export const APP_PASS_PRIVILEGED_SCOPE = 'com.atproto.appPassPrivileged'
export const REFRESH_SCOPE = 'com.atproto.refresh'

export type AccessScope = typeof ACCESS_SCOPE | typeof APP_PASS_SCOPE | typeof APP_PASS_PRIVILEGED_SCOPE

const ACCESS_SCOPES: readonly string[] = [ACCESS_SCOPE, APP_PASS_SCOPE, APP_PASS_PRIVILEGED_SCOPE]

/** Access tokens live 2 hours (atproto `createAccessToken`). */
export const ACCESS_TTL_SECONDS = 2 * 60 * 60

/**
 * What a verified access token says. `appPasswordId` is set for app-password sessions;
 * `generation` is the session generation it was minted in (null for a token without one).
 */
export type AccessClaims = {
  scope: AccessScope
  sub: string
  exp: number
  appPasswordId: string | null
  generation: number | null
}

/** What a verified refresh token says; `jti` names its row in the session store. */
export type RefreshClaims = { sub: string; exp: number; jti: string }

/**
 * Private claim naming the app password a session was opened with (an opaque id, so a
 * revoked-then-recreated name does not revive old tokens). Absent for the main password.
 */
const APP_PASSWORD_CLAIM = 'apw'

/**
 * Private claims tying a token to the sessions it belongs to: `epoch`, the password epoch
 * (a changed PASSWORD refuses it with no actor call), and `gen`, the account actor's
 * session generation (revokeAllSessions refuses it). See `src/shared/session-epoch.ts`.
 */
const EPOCH_CLAIM = 'epoch'
const GENERATION_CLAIM = 'gen'

const revoked = () => new XRPCError(400, 'ExpiredToken', 'Token has been revoked')

const invalidToken = (message = 'Token could not be verified') => new XRPCError(400, 'InvalidToken', message)

/** Mints an access JWT (`typ: at+jwt`, 2 hours) for the owner. */
export async function createAccessToken(
  config: Config,
  opts: { scope: AccessScope; appPasswordId: string | null; generation: number; now: number },
): Promise<string> {
  const iat = Math.floor(opts.now / 1000)
  const payload = {
    scope: opts.scope,
    sub: config.did,
    aud: config.serviceDid,
    iat,
    exp: iat + ACCESS_TTL_SECONDS,
    ...(opts.appPasswordId ? { [APP_PASSWORD_CLAIM]: opts.appPasswordId } : {}),
    [EPOCH_CLAIM]: await configEpochClaim(config),
    [GENERATION_CLAIM]: opts.generation,
  }
  return signHs256({ typ: 'at+jwt' }, payload, config.jwtSecret)
}

/** Mints a refresh JWT (`typ: refresh+jwt`) whose `exp` matches its stored row. */
export async function createRefreshToken(
  config: Config,
  opts: { jti: string; expiresAtMs: number; now: number },
): Promise<string> {
  const payload = {
    scope: REFRESH_SCOPE,
    sub: config.did,
    aud: config.serviceDid,
    jti: opts.jti,
    iat: Math.floor(opts.now / 1000),
    exp: Math.floor(opts.expiresAtMs / 1000),
    [EPOCH_CLAIM]: await configEpochClaim(config),
  }
  return signHs256({ typ: 'refresh+jwt' }, payload, config.jwtSecret)
}

/**
 * Verifies signature first, then type, subject, audience and scope, then expiry, so a
 * forged token is never reported as merely expired.
 */
async function verifySessionJwt(token: string, config: Config, typ: string, now: number) {
  const jwt = await verifyHs256(token, config.jwtSecret)
  if (!jwt) throw invalidToken()
  const { header, payload } = jwt
  if (header.typ !== typ) throw invalidToken('Invalid token type')
  if (payload.sub !== config.did || payload.aud !== config.serviceDid) throw invalidToken('Malformed token')
  if (typeof payload.exp !== 'number' || typeof payload.scope !== 'string')
    throw invalidToken('Malformed token')
  if (payload.exp * 1000 <= now) throw new XRPCError(400, 'ExpiredToken', 'Token has expired')
  return { payload, scope: payload.scope, exp: payload.exp }
}

/** Verifies an access token; a refresh token or a foreign token is `InvalidToken`, a stale one `ExpiredToken`. */
export async function verifyAccessToken(token: string, config: Config, now: number): Promise<AccessClaims> {
  const { payload, scope, exp } = await verifySessionJwt(token, config, 'at+jwt', now)
  if (!ACCESS_SCOPES.includes(scope)) throw invalidToken('Bad token scope')
  const apw = payload[APP_PASSWORD_CLAIM]
  const isAppPass = scope !== ACCESS_SCOPE
  if (isAppPass !== (typeof apw === 'string')) throw invalidToken('Malformed token')
  // Minted under another password (or before epochs existed): ExpiredToken, so clients refresh.
  if (payload[EPOCH_CLAIM] !== (await configEpochClaim(config))) throw revoked()
  const gen = payload[GENERATION_CLAIM]
  return {
    scope: scope as AccessScope,
    sub: config.did,
    exp,
    appPasswordId: isAppPass ? (apw as string) : null,
    generation: typeof gen === 'number' ? gen : null,
  }
}

/** Verifies a refresh token (the Bearer of refreshSession/deleteSession). */
export async function verifyRefreshToken(token: string, config: Config, now: number): Promise<RefreshClaims> {
  const { payload, scope, exp } = await verifySessionJwt(token, config, 'refresh+jwt', now)
  if (scope !== REFRESH_SCOPE) throw invalidToken('Bad token scope')
  if (typeof payload.jti !== 'string' || payload.jti === '') throw invalidToken('Malformed token')
  // Refresh tokens from before epochs have none; their stored row decides. A different one was revoked.
  const epoch = payload[EPOCH_CLAIM]
  if (epoch !== undefined && epoch !== (await configEpochClaim(config))) throw revoked()
  return { sub: config.did, exp, jti: payload.jti }
}
