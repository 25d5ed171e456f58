import { createHash } from 'node:crypto'

/**
 * What is stored of a refresh token or an authorization code: its SHA-256 (base64url),
 * so a copy of the database cannot be replayed. Synchronous (node:crypto under
 * `nodejs_compat`) because it runs inside the actor's synchronous transactions.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url')
}
