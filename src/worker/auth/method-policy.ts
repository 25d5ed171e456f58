import { type OwnerCredential, oauthNotSupported } from './credential'

/**
 * Methods an app password may call only when privileged (atproto `pipethrough.ts`
 * `PRIVILEGED_METHODS`); all of `chat.bsky.*` is treated as privileged too.
 */
const PRIVILEGED_METHODS = new Set(['com.atproto.server.createAccount'])

/**
 * Account-management methods that must be called directly on the PDS: never proxied
 * and never the `lxm` of a service JWT (atproto `pipethrough.ts` `PROTECTED_METHODS`).
 */
const PROTECTED_METHODS = new Set([
  'com.atproto.admin.sendEmail',
  'com.atproto.identity.requestPlcOperationSignature',
  'com.atproto.identity.signPlcOperation',
  'com.atproto.identity.updateHandle',
  'com.atproto.server.activateAccount',
  'com.atproto.server.confirmEmail',
  'com.atproto.server.createAppPassword',
  'com.atproto.server.deactivateAccount',
  'com.atproto.server.getAccountInviteCodes',
  'com.atproto.server.listAppPasswords',
  'com.atproto.server.requestAccountDelete',
  'com.atproto.server.requestEmailConfirmation',
  'com.atproto.server.requestEmailUpdate',
  'com.atproto.server.revokeAppPassword',
  'com.atproto.server.updateEmail',
])

export const isPrivilegedMethod = (nsid: string): boolean =>
  nsid.startsWith('chat.bsky.') || PRIVILEGED_METHODS.has(nsid)

export const isProtectedMethod = (nsid: string): boolean => PROTECTED_METHODS.has(nsid)

/**
 * Local methods an OAuth token may call at all: each either checks its permission itself
 * (`permissionsOf`) or is open to every owner credential, as in the reference PDS
 * (getSession hides the email instead). Every other local method (app passwords, ending
 * all sessions, email, any method added later) answers an OAuth token 403 until it says
 * which permission covers it.
 */
const OAUTH_METHODS = new Set([
  // Open to any owner credential.
  'com.atproto.server.getSession',
  'com.atproto.server.checkAccountStatus',
  'com.atproto.identity.getRecommendedDidCredentials',
  'com.atproto.repo.listMissingBlobs',
  // repo: and blob:
  'com.atproto.repo.createRecord',
  'com.atproto.repo.putRecord',
  'com.atproto.repo.deleteRecord',
  'com.atproto.repo.applyWrites',
  'com.atproto.repo.uploadBlob',
  // rpc:
  'com.atproto.server.getServiceAuth',
  'app.bsky.actor.getPreferences',
  'app.bsky.actor.putPreferences',
  'app.bsky.notification.registerPush',
  'app.bsky.notification.unregisterPush',
  // account:
  'com.atproto.repo.importRepo',
  'com.atproto.server.activateAccount',
  'com.atproto.server.deactivateAccount',
  // identity:
  'com.atproto.identity.updateHandle',
  'com.atproto.identity.submitPlcOperation',
  'com.atproto.identity.requestPlcOperationSignature',
  'com.atproto.identity.signPlcOperation',
  'dev.edgepds.identity.getPlcOperationToken',
])

/** The router's gate: `cred` as it is, unless it is an OAuth token on a method closed to OAuth. */
export function admitToMethod(nsid: string, cred: OwnerCredential): OwnerCredential {
  if (cred.type === 'oauth' && !OAUTH_METHODS.has(nsid)) throw oauthNotSupported()
  return cred
}
