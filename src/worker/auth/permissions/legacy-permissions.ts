import { XRPCError } from '../../../shared/xrpc-error'
import { hasFullAccess, isPrivileged, type OwnerCredential } from '../credential'
import { isPrivilegedMethod } from '../method-policy'
import type { Permissions } from './permissions'

const UPLOAD_BLOB = 'com.atproto.repo.uploadBlob'

const badScope = () => new XRPCError(400, 'InvalidToken', 'Bad token scope')
const badMethod = () => new XRPCError(400, 'InvalidToken', 'Bad token method')

type LegacyCredential = Exclude<OwnerCredential, { type: 'oauth' }>

/**
 * Credentials older than OAuth, exactly as they have always been treated:
 * - the static token and main-password sessions may do everything;
 * - app passwords may write records, upload blobs and call non-privileged methods
 *   (privileged ones, chat, only when the app password is privileged), never manage the
 *   account or identity, and never see the email or `personalDetailsPref`;
 * - a service JWT the owner signed acts only for its `lxm`, which the router already
 *   matched: the one such method is uploadBlob.
 */
export function legacyPermissions(cred: LegacyCredential): Permissions {
  const full = hasFullAccess(cred)
  const session = cred.type !== 'service'
  const refuseUnless = (allowed: boolean, refusal: () => Error) => {
    if (!allowed) throw refusal()
  }
  return {
    assertRepo: () => refuseUnless(session, badScope),
    assertBlob: () => refuseUnless(session || cred.lxm === UPLOAD_BLOB, badScope),
    assertRpc: (lxm, _aud, legacyRefusal = badMethod) =>
      refuseUnless(session && (!isPrivilegedMethod(lxm) || isPrivileged(cred)), legacyRefusal),
    assertAccount: () => refuseUnless(full, badScope),
    assertIdentity: () => refuseUnless(full, badScope),
    canReadEmail: () => cred.type === 'static' || (cred.type === 'session' && cred.appPassword === null),
    canReadEmailStatus: () => true,
    seesPersonalDetails: () => full,
  }
}
