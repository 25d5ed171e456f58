import type { Migration } from '../../shared/sql-migrations'

/** Schema of the repo actor. Append new entries; never edit an applied one. */
export const REPO_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    sql: `
      CREATE TABLE blocks (cid TEXT PRIMARY KEY, bytes BLOB NOT NULL, rev TEXT NOT NULL);
      CREATE INDEX blocks_rev ON blocks (rev);
      CREATE TABLE repo_root (id INTEGER PRIMARY KEY CHECK (id = 1), cid TEXT NOT NULL, rev TEXT NOT NULL);
      CREATE TABLE records (
        collection TEXT NOT NULL,
        rkey TEXT NOT NULL,
        cid TEXT NOT NULL,
        rev TEXT NOT NULL,
        PRIMARY KEY (collection, rkey)
      );
      CREATE INDEX records_cid ON records (cid);
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL,
        rev TEXT,
        body BLOB NOT NULL,
        created_at TEXT NOT NULL
      );
    `,
  },
  {
    id: 2,
    sql: `
      CREATE TABLE outbox_delivery (id INTEGER PRIMARY KEY CHECK (id = 1), delivered_through INTEGER NOT NULL);
      INSERT INTO outbox_delivery (id, delivered_through) VALUES (1, 0);
    `,
  },
  {
    // Sessions, app passwords and preferences (session-store, app-password-store, preferences-store).
    id: 3,
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
      CREATE TABLE preferences (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL,
        value_json TEXT NOT NULL
      );
    `,
  },
]
