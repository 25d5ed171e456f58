import type { AdmittedLogin, AppPasswordInfo, LoginTicket } from '../../actors/account'
import type { Config } from '../../shared/config'
import { createLogger } from '../../shared/logger'
import { XRPCError } from '../../shared/xrpc-error'
import { constantTimeEqual } from './constant-time'
import { isAppPasswordFormat, verifyPassword } from './password-hash'

const log = createLogger('auth')

const invalidLogin = () => new XRPCError(401, 'AuthenticationRequired', 'Invalid identifier or password')

/** Longest identifier kept as a rate-limit key; longer ones are cut (they never name the owner). */
const MAX_IDENTIFIER_KEY = 256

/** Whether a login identifier (handle, `@handle` or DID) names the owner. */
export function isOwnerIdentifier(config: Config, identifier: string): boolean {
  const id = identifier.trim()
  if (id.startsWith('did:')) return id === config.did
  return id.replace(/^@/, '').toLowerCase() === config.handle
}

/**
 * The identifier as the login limits count it: every spelling of the owner (handle,
 * `@handle`, DID, any case) is one key, so switching spellings buys no extra guesses.
 */
export function identifierKey(config: Config, identifier: string): string {
  if (isOwnerIdentifier(config, identifier)) return 'owner'
  return identifier.trim().replace(/^@/, '').toLowerCase().slice(0, MAX_IDENTIFIER_KEY)
}

/** The client IP as Cloudflare reports it; `unknown` where nothing sets it (local tests). */
export const clientIp = (req: Request): string => req.headers.get('cf-connecting-ip')?.trim() || 'unknown'

/**
 * Checks a createSession login. `admit` (the account actor's login limits) runs first and
 * throws when the attempt is over a limit, so a limited attempt compares and hashes
 * nothing; it hands out the app-password hashes only for an owner login with an
 * `xxxx-xxxx-xxxx-xxxx` password. The main password is compared in constant time;
 * PBKDF2 (slow on purpose) runs only against those hashes. Returns the app password
 * used (null for the main one) and the ticket that refunds the failure reservation.
 */
export async function authenticateLogin(
  config: Config,
  input: { identifier: string; password: string },
  admit: (wantAppPasswords: boolean) => Promise<AdmittedLogin>,
): Promise<{ appPassword: AppPasswordInfo | null; ticket: LoginTicket }> {
  const owner = isOwnerIdentifier(config, input.identifier)
  const appPasswordShaped = isAppPasswordFormat(input.password)
  const { ticket, appPasswords } = await admit(owner && appPasswordShaped)
  if (!owner) throw invalidLogin()
  if (constantTimeEqual(input.password, config.password)) return { appPassword: null, ticket }
  if (!appPasswordShaped || appPasswords === null) throw invalidLogin()
  // The e2e suite counts these lines to show that limited guesses hash nothing.
  log.info('login hashes app passwords', { candidates: appPasswords.length })
  for (const candidate of appPasswords) {
    if (await verifyPassword(input.password, candidate)) {
      return {
        appPassword: { id: candidate.id, name: candidate.name, privileged: candidate.privileged },
        ticket,
      }
    }
  }
  throw invalidLogin()
}
