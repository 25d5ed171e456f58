import type { AppPasswordInfo, StoredPasswordHash } from '../../actors/account'
import type { Config } from '../../shared/config'
import { XRPCError } from '../../shared/xrpc-error'
import { constantTimeEqual } from './constant-time'
import { isAppPasswordFormat, verifyPassword } from './password-hash'

const invalidLogin = () => new XRPCError(401, 'AuthenticationRequired', 'Invalid identifier or password')

/** Whether a login identifier (handle, `@handle` or DID) names the owner. */
export function isOwnerIdentifier(config: Config, identifier: string): boolean {
  const id = identifier.trim()
  if (id.startsWith('did:')) return id === config.did
  return id.replace(/^@/, '').toLowerCase() === config.handle
}

/**
 * Checks a createSession login. The main password is compared in constant time;
 * only an `xxxx-xxxx-xxxx-xxxx` password is hashed against the stored app passwords
 * (PBKDF2 is slow on purpose). Returns the app password used, or null for the main one.
 */
export async function authenticateLogin(
  config: Config,
  input: { identifier: string; password: string },
  appPasswords: () => Promise<(AppPasswordInfo & StoredPasswordHash)[]>,
): Promise<{ appPassword: AppPasswordInfo | null }> {
  if (!isOwnerIdentifier(config, input.identifier)) throw invalidLogin()
  if (await constantTimeEqual(input.password, config.password)) return { appPassword: null }
  if (!isAppPasswordFormat(input.password)) throw invalidLogin()
  for (const candidate of await appPasswords()) {
    if (await verifyPassword(input.password, candidate)) {
      return { appPassword: { id: candidate.id, name: candidate.name, privileged: candidate.privileged } }
    }
  }
  throw invalidLogin()
}
