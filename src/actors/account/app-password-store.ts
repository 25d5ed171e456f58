import { err, ok, type Result } from '../../shared/result'
import type { AccountCode } from './account-codes'

/** An app password as sessions see it. */
export type AppPasswordInfo = { id: string; name: string; privileged: boolean }

/** A PBKDF2 hash as the Worker computed it; the store never sees a plaintext password. */
export type StoredPasswordHash = { salt: string; hash: string; iterations: number }

/** The listing shape of `com.atproto.server.listAppPasswords`. */
export type AppPasswordListing = { name: string; createdAt: string; privileged: boolean }

/** Bounds the PBKDF2 work a login with an app-password-shaped password can cause. */
export const MAX_APP_PASSWORDS = 50

/** An `app_passwords` row exactly as stored. */
export type AppPasswordRow = {
  id: string
  name: string
  privileged: number
  salt: string
  hash: string
  iterations: number
  created_at: string
}

/** The owner's app passwords. Revoking one also deletes the refresh tokens of its sessions. */
export class AppPasswordStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly transaction: <T>(fn: () => T) => T,
  ) {}

  create(input: {
    name: string
    privileged: boolean
    hash: StoredPasswordHash
    createdAt: string
  }): Result<AppPasswordListing, AccountCode> {
    return this.transaction(() => {
      const exists = this.sql.exec('SELECT 1 FROM app_passwords WHERE name = ?', input.name).toArray()
      if (exists.length > 0) return err('InvalidRequest', 'App password with that name already exists')
      const count = this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM app_passwords').one().n
      if (count >= MAX_APP_PASSWORDS)
        return err('InvalidRequest', `At most ${MAX_APP_PASSWORDS} app passwords`)
      this.sql.exec(
        'INSERT INTO app_passwords (id, name, privileged, salt, hash, iterations, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        crypto.randomUUID(),
        input.name,
        input.privileged ? 1 : 0,
        input.hash.salt,
        input.hash.hash,
        input.hash.iterations,
        input.createdAt,
      )
      return ok({ name: input.name, createdAt: input.createdAt, privileged: input.privileged })
    })
  }

  list(): AppPasswordListing[] {
    return this.rows().map((r) => ({ name: r.name, createdAt: r.created_at, privileged: r.privileged === 1 }))
  }

  /** Every app password with its hash, for the Worker to check a login against. */
  secrets(): (AppPasswordInfo & StoredPasswordHash)[] {
    return this.rows().map((r) => ({
      id: r.id,
      name: r.name,
      privileged: r.privileged === 1,
      salt: r.salt,
      hash: r.hash,
      iterations: r.iterations,
    }))
  }

  byId(id: string): AppPasswordInfo | null {
    const r = this.sql.exec<AppPasswordRow>('SELECT * FROM app_passwords WHERE id = ?', id).toArray()[0]
    return r ? { id: r.id, name: r.name, privileged: r.privileged === 1 } : null
  }

  /** Deletes the app password and its sessions' refresh tokens; false when the name is unknown. */
  revoke(name: string): boolean {
    return this.transaction(() => {
      const r = this.sql.exec<AppPasswordRow>('SELECT * FROM app_passwords WHERE name = ?', name).toArray()[0]
      if (!r) return false
      this.sql.exec('DELETE FROM refresh_tokens WHERE app_password_id = ?', r.id)
      this.sql.exec('DELETE FROM app_passwords WHERE id = ?', r.id)
      return true
    })
  }

  private rows(): AppPasswordRow[] {
    return this.sql.exec<AppPasswordRow>('SELECT * FROM app_passwords ORDER BY created_at, name').toArray()
  }
}
