import { ScopeMissingError, ScopePermissionsTransition } from '@atproto/oauth-scopes'
import { XRPCError } from '../../../shared/xrpc-error'
import type { Permissions } from './permissions'

/** The reference PDS's refusal: 403, naming the permission that would have allowed it. */
export const scopeMissing = (scope: string): XRPCError =>
  new XRPCError(403, 'ScopeMissingError', `Missing required scope "${scope}"`)

/**
 * An OAuth token's permissions, from its granted scope (include: sets already expanded
 * at authorization). `@atproto/oauth-scopes` parses and matches; its transition class
 * gives `transition:generic` what a non-privileged app password has (records, blobs, any
 * non-chat rpc), `transition:chat.bsky` the chat methods and `transition:email` the email.
 * Tokens that are not atproto permissions, or are malformed, match nothing: they are
 * ignored, never an error. Without `atproto` itself the token grants nothing.
 */
export function oauthPermissions(scope: string): Permissions {
  const granted = new ScopePermissionsTransition(scope.split(' ').filter((s) => s !== ''))
  const atproto = granted.scopes.has('atproto')
  // The library throws its own ScopeMissingError; ours renders as an XRPC error.
  const check = (assert: () => void) => {
    if (!atproto) throw scopeMissing('atproto')
    try {
      assert()
    } catch (e) {
      throw e instanceof ScopeMissingError ? scopeMissing(e.scope) : e
    }
  }
  return {
    assertRepo: (collection, action) => check(() => granted.assertRepo({ collection, action })),
    assertBlob: (mime) => check(() => granted.assertBlob({ mime })),
    assertRpc: (lxm, aud) => check(() => granted.assertRpc({ lxm, aud })),
    assertAccount: (attr, action) => check(() => granted.assertAccount({ attr, action })),
    assertIdentity: (attr) => check(() => granted.assertIdentity({ attr })),
    canReadEmail: () => atproto && granted.allowsAccount({ attr: 'email', action: 'read' }),
    canReadEmailStatus: () => atproto && granted.allowsAccount({ attr: 'email', action: 'read' }),
    // The reference shows personalDetailsPref to full-access sessions only, never to OAuth.
    seesPersonalDetails: () => false,
  }
}
