import { invalidScope } from './oauth-error'

/** The transition scopes this server offers besides `atproto` and granular permissions. */
export const SCOPES_SUPPORTED = ['atproto', 'transition:generic', 'transition:chat.bsky', 'transition:email']

/**
 * Checks the scope a client asks for at PAR and returns the scope to store. For now:
 * it must contain `atproto`, and is kept as given. The permission checks (and `include:`
 * expansion) may replace this one function.
 */
export function checkRequestedScope(scope: string | undefined): string {
  if (scope === undefined || scope.trim() === '')
    throw invalidScope('scope is required and must include "atproto"')
  const tokens = scope.split(' ').filter((t) => t !== '')
  if (!tokens.includes('atproto')) throw invalidScope('scope must include "atproto"')
  return tokens.join(' ')
}
