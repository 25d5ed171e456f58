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
  {
    // The OAuth authorization server (oauth/): pushed requests and their codes, grants with
    // their current and replaced refresh tokens, remembered consents, and single-use
    // DPoP proof / client assertion ids.
    id: 5,
    sql: `
      CREATE TABLE oauth_requests (
        request_uri TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        params TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        code TEXT UNIQUE,
        code_used_at INTEGER,
        grant_id TEXT
      );
      CREATE INDEX oauth_requests_expiry ON oauth_requests (expires_at);
      CREATE TABLE oauth_grants (
        id TEXT PRIMARY KEY,
        client_id TEXT NOT NULL,
        client_auth TEXT NOT NULL,
        scope TEXT NOT NULL,
        dpop_jkt TEXT NOT NULL,
        generation INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL,
        session_expires_at INTEGER NOT NULL,
        refresh_token TEXT NOT NULL UNIQUE,
        refresh_expires_at INTEGER NOT NULL
      );
      CREATE TABLE oauth_used_refresh (
        token TEXT PRIMARY KEY,
        grant_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX oauth_used_refresh_grant ON oauth_used_refresh (grant_id);
      CREATE TABLE oauth_consents (
        client_id TEXT PRIMARY KEY,
        scope TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE oauth_replays (
        key TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX oauth_replays_expiry ON oauth_replays (expires_at);
    `,
  },
  {
    // Service JWTs minted with an OAuth token name its grant and die with it. Refresh tokens
    // and codes are stored as SHA-256 from now on: the rows of plain ones are dropped (the
    // OAuth server was unreleased; their apps sign in again).
    id: 6,
    sql: `
      ALTER TABLE service_grants ADD COLUMN oauth_grant_id TEXT;
      DELETE FROM oauth_used_refresh;
      DELETE FROM oauth_grants;
      DELETE FROM oauth_requests;
    `,
  },
]
