import type { AccountAction, AccountAttribute, IdentityAttribute, RepoAction } from '@atproto/oauth-scopes'
import { XRPCError } from '../../../shared/xrpc-error'
import type { OwnerCredential } from '../credential'
import { legacyPermissions } from './legacy-permissions'
import { oauthPermissions } from './oauth-permissions'

export type { AccountAction, AccountAttribute, IdentityAttribute, RepoAction }

/**
 * What one credential may do, asked per resource as spec:permission names them. Each
 * `assert*` throws the refusal this kind of credential has always got: an OAuth token
 * gets 403 `ScopeMissingError` naming the permission it lacks; a password session or app
 * password gets the legacy 400s (`Bad token scope`, `Bad token method`).
 */
export interface Permissions {
  /** A record write: `action` on a record of `collection`. */
  assertRepo(collection: string, action: RepoAction): void
  /** A blob upload of type `mime`. */
  assertBlob(mime: string): void
  /**
   * A call to `lxm` on service `aud` (`did#service`), proxied or through a service JWT;
   * `lxm` is `*` for a method-less getServiceAuth. `legacyRefusal` replaces the legacy
   * `Bad token method` where a method answers otherwise (getServiceAuth).
   */
  assertRpc(lxm: string, aud: string, legacyRefusal?: () => Error): void
  /** Account hosting details: `email`, `repo` (importRepo), `status` (activation). */
  assertAccount(attr: AccountAttribute, action: AccountAction): void
  /** DID document and handle: `handle` (updateHandle) or `*` (PLC operations). */
  assertIdentity(attr: IdentityAttribute): void
  /** Whether getSession may show the email address. */
  canReadEmail(): boolean
  /**
   * Whether getSession may show whether it is confirmed: app passwords may (the Bluesky app
   * gates video upload on it); OAuth only with the email permission, as the reference.
   */
  canReadEmailStatus(): boolean
  /** Whether `personalDetailsPref` is visible and replaceable (main password and static token only). */
  seesPersonalDetails(): boolean
}

/** The one decision point: the permissions of `cred`. */
export function permissionsOf(cred: OwnerCredential): Permissions {
  return cred.type === 'oauth' ? oauthPermissions(cred.scope) : legacyPermissions(cred)
}

/** The permissions of an `auth` method's caller (the router admitted one before the handler runs). */
export function callerPermissions(auth: OwnerCredential | null): Permissions {
  if (!auth) throw new XRPCError(401, 'AuthenticationRequired', 'Authentication Required')
  return permissionsOf(auth)
}
