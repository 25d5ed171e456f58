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
