import type { Migration } from '../../shared/sql-migrations'

/** Schema of the account actor. Append new entries; never edit an applied one. */
export const ACCOUNT_MIGRATIONS: readonly Migration[] = [
  {
    // App passwords and refresh tokens (app-password-store, session-store): the same
    // tables the repo actor held in its migration 3, so rows move over unchanged.
    id: 1,
    sql: `
      CREATE TABLE app_passwords (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        privileged INTEGER NOT NULL,
        salt TEXT NOT NULL,
        hash TEXT NOT NULL,
        iterations INTEGER NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE refresh_tokens (
        id TEXT PRIMARY KEY,
        app_password_id TEXT,
        expires_at INTEGER NOT NULL,
        next_id TEXT
      );
      CREATE INDEX refresh_tokens_app_password ON refresh_tokens (app_password_id);
      CREATE INDEX refresh_tokens_next ON refresh_tokens (next_id);
    `,
  },
  {
    // Progress of the one-time takeover of the repo actor's credential rows (legacy-takeover.ts).
    id: 2,
    sql: `
      CREATE TABLE legacy_takeover (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        copied_at TEXT,
        dropped_at TEXT
      );
      INSERT INTO legacy_takeover (id, copied_at, dropped_at) VALUES (1, NULL, NULL);
    `,
  },
  {
    // Abuse limits and session revocation: fixed-window counters (rate-counters.ts), the
    // session generation and password epoch (session-epoch.ts), and the service JWTs
    // getServiceAuth issued for this PDS, each usable once (service-grants.ts).
    id: 3,
    sql: `
      CREATE TABLE rate_counters (
        key TEXT PRIMARY KEY,
        window_start INTEGER NOT NULL,
        count INTEGER NOT NULL,
        reset_at INTEGER NOT NULL
      );
      CREATE INDEX rate_counters_reset ON rate_counters (reset_at);
      CREATE TABLE session_epoch (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        generation INTEGER NOT NULL,
        password_hash TEXT
      );
      INSERT INTO session_epoch (id, generation, password_hash) VALUES (1, 0, NULL);
      CREATE TABLE service_grants (
        jti TEXT PRIMARY KEY,
        quota_key TEXT NOT NULL,
        app_password_id TEXT,
        generation INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
      );
      CREATE INDEX service_grants_expiry ON service_grants (expires_at);
    `,
  },
  {
    // The pending PLC operation token (plc-tokens.ts): at most one, single-use, expiring.
    id: 4,
    sql: `
      CREATE TABLE plc_tokens (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        token TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
]
