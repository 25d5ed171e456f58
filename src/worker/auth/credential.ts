import type { AppPasswordInfo } from '../../actors/account'
import { XRPCError } from '../../shared/xrpc-error'
import { ACCESS_SCOPE, type AccessScope } from './session-tokens'

export type { AppPasswordInfo }

/**
 * Who is calling, as `confirmOwner` established it:
 * - `static`: the `AUTH_TOKEN` bearer, full access;
 * - `session`: an access JWT; `appPassword` is set for app-password sessions;
 * - `service`: a service JWT the owner signed for exactly this method (`lxm`);
 * - `oauth`: a DPoP-bound OAuth access token; `scope` is the granted space-separated
 *   atproto permission string (include: sets already expanded), what it may do is
 *   decided by the permission checks (`permissions/permissions.ts`), never by `hasFullAccess`.
 */
export type OwnerCredential =
  | { type: 'static'; did: string }
  | { type: 'session'; did: string; scope: AccessScope; appPassword: AppPasswordInfo | null }
  | { type: 'service'; did: string; lxm: string }
  | { type: 'oauth'; did: string; scope: string; clientId: string; grantId: string }

/** Main password or static token: may manage app passwords and see personal details. Never OAuth. */
export const hasFullAccess = (cred: OwnerCredential): boolean =>
  cred.type === 'static' || (cred.type === 'session' && cred.scope === ACCESS_SCOPE)

/** Full access or a privileged app password: may call privileged methods (chat). */
export const isPrivileged = (cred: OwnerCredential): boolean =>
  hasFullAccess(cred) || (cred.type === 'session' && cred.appPassword?.privileged === true)

/** The reference PDS's answer to an OAuth token on a method no permission covers. */
export const oauthNotSupported = (): XRPCError =>
  new XRPCError(403, 'Forbidden', 'OAuth credentials are not supported for this endpoint')

/**
 * Refuses everything but full access: app-password sessions with the reference's 400
 * `InvalidToken` "Bad token scope", OAuth tokens with its 403 (no permission grants this).
 */
export function assertFullAccess(cred: OwnerCredential | null): void {
  if (cred?.type === 'oauth') throw oauthNotSupported()
  if (!cred || !hasFullAccess(cred)) throw new XRPCError(400, 'InvalidToken', 'Bad token scope')
}
