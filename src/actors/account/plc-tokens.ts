import { err, ok, type Result } from '../../shared/result'
import type { AccountCode } from './account-codes'

/** How long a PLC operation token is valid (the reference PDS's email tokens: 15 minutes). */
export const PLC_TOKEN_TTL_MS = 15 * 60_000

/** A pending token and when it stops being accepted (ms since the epoch). */
export type PlcToken = { token: string; expiresAt: number }

// Crockford-like base32 without look-alikes; 10 characters carry 50 bits, as the reference's tokens.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(10))
  const chars = Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('')
  return `${chars.slice(0, 5)}-${chars.slice(5)}`
}

/** Equal-length strings compared without an early exit (the length of a token is no secret). */
function sameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/**
 * The one token that authorises signing a PLC operation (`requestPlcOperationSignature`
 * → `signPlcOperation`). Phases: none → pending (issued, until `expiresAt`) → none, when
 * used once, replaced by a new request, or found expired. There is no email here, so the
 * owner reads the pending token with a full-access credential instead of a mailbox.
 */
export class PlcTokens {
  constructor(private readonly sql: SqlStorage) {}

  /** Issues a new token, replacing any pending one. */
  issue(now: number): PlcToken {
    const issued = { token: newToken(), expiresAt: now + PLC_TOKEN_TTL_MS }
    this.sql.exec(
      'INSERT OR REPLACE INTO plc_tokens (id, token, expires_at) VALUES (1, ?, ?)',
      issued.token,
      issued.expiresAt,
    )
    return issued
  }

  /** The pending token, if one is still valid. */
  pending(now: number): PlcToken | null {
    const row = this.sql
      .exec<{ token: string; expires_at: number }>('SELECT token, expires_at FROM plc_tokens WHERE id = 1')
      .toArray()[0]
    if (!row || row.expires_at <= now) return null
    return { token: row.token, expiresAt: row.expires_at }
  }

  /**
   * Accepts `token` once: a match is deleted before it is reported valid, so two
   * concurrent uses cannot both pass. An expired token is deleted too.
   */
  use(token: string, now: number): Result<void, AccountCode> {
    const row = this.sql
      .exec<{ token: string; expires_at: number }>('SELECT token, expires_at FROM plc_tokens WHERE id = 1')
      .toArray()[0]
    if (!row || !sameToken(row.token, token.trim().toUpperCase()))
      return err('InvalidToken', 'Token is invalid: request a new one with requestPlcOperationSignature')
    this.sql.exec('DELETE FROM plc_tokens WHERE id = 1')
    if (row.expires_at <= now)
      return err('ExpiredToken', 'Token is expired: request a new one with requestPlcOperationSignature')
    return ok(undefined)
  }
}
