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
  {
    // Blobs (blob-store, blob-gc) and the multiplexed alarm (alarm-schedule). Bytes live in R2.
    id: 4,
    sql: `
      CREATE TABLE blobs (
        cid TEXT PRIMARY KEY,
        r2_key TEXT NOT NULL UNIQUE,
        mime_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX blobs_state ON blobs (state, created_at);
      CREATE TABLE record_blobs (
        record_uri TEXT NOT NULL,
        blob_cid TEXT NOT NULL,
        rev TEXT NOT NULL,
        PRIMARY KEY (record_uri, blob_cid)
      );
      CREATE INDEX record_blobs_cid ON record_blobs (blob_cid);
      CREATE INDEX record_blobs_rev ON record_blobs (rev);
      CREATE TABLE blob_r2_cleanup (r2_key TEXT PRIMARY KEY, due_at INTEGER NOT NULL);
      CREATE INDEX blob_r2_cleanup_due ON blob_r2_cleanup (due_at);
      CREATE TABLE alarm_schedule (purpose TEXT PRIMARY KEY, due_at INTEGER NOT NULL);
    `,
  },
  {
    // Removed blocks are retired, not deleted at once, so an export that started
    // before a write still finds the blocks of its snapshot.
    id: 5,
    sql: `
      ALTER TABLE blocks ADD COLUMN removed_rev TEXT;
      ALTER TABLE blocks ADD COLUMN removed_at INTEGER;
      ALTER TABLE blocks ADD COLUMN revived_rev TEXT;
      CREATE INDEX blocks_removed_at ON blocks (removed_at) WHERE removed_at IS NOT NULL;
    `,
  },
  {
    // Hosting status, and what the DID document said at the last start (see account-state.ts).
    id: 6,
    sql: `
      CREATE TABLE account_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        active INTEGER NOT NULL,
        status TEXT,
        fingerprint TEXT
      );
      INSERT INTO account_state (id, active, status, fingerprint) VALUES (1, 1, NULL, NULL);
    `,
  },
  {
    // importRepo's staging tables (import/import-staging.ts): an import streams into them,
    // is verified there, and replaces blocks, records and record_blobs in one transaction.
    id: 7,
    sql: `
      CREATE TABLE import_blocks (cid TEXT PRIMARY KEY, bytes BLOB NOT NULL, reached INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE import_records (
        collection TEXT NOT NULL,
        rkey TEXT NOT NULL,
        cid TEXT NOT NULL,
        PRIMARY KEY (collection, rkey)
      );
      CREATE TABLE import_record_blobs (
        record_uri TEXT NOT NULL,
        blob_cid TEXT NOT NULL,
        PRIMARY KEY (record_uri, blob_cid)
      );
    `,
  },
  {
    // Read-after-write: the records written and deleted since a rev (record-index.ts `changesSince`).
    id: 8,
    sql: `
      CREATE INDEX records_rev ON records (rev);
      CREATE TABLE record_tombstones (
        collection TEXT NOT NULL,
        rkey TEXT NOT NULL,
        rev TEXT NOT NULL,
        PRIMARY KEY (collection, rkey)
      );
      CREATE INDEX record_tombstones_rev ON record_tombstones (rev);
    `,
  },
  {
    // The owner's handle once updateHandle changed it; NULL means the HANDLE setting (account-state.ts).
    id: 9,
    sql: `ALTER TABLE account_state ADD COLUMN handle TEXT;`,
  },
  {
    // A record written clears its tombstone inside SQLite: one statement per write, not two (record-index.ts `put`).
    id: 10,
    sql: `
      CREATE TRIGGER records_insert_clears_tombstone AFTER INSERT ON records BEGIN
        DELETE FROM record_tombstones WHERE collection = NEW.collection AND rkey = NEW.rkey;
      END;
      CREATE TRIGGER records_update_clears_tombstone AFTER UPDATE ON records BEGIN
        DELETE FROM record_tombstones WHERE collection = NEW.collection AND rkey = NEW.rkey;
      END;
    `,
  },
]

/**
 * Drops the credential tables of migration 3 once the account actor has taken their rows
 * over (its `legacyCredentials` / `dropLegacyCredentials` calls). Not a numbered migration:
 * it must never run before that takeover, which the account actor decides.
 */
export const DROP_LEGACY_CREDENTIALS = `
  DROP INDEX IF EXISTS refresh_tokens_app_password;
  DROP INDEX IF EXISTS refresh_tokens_next;
  DROP TABLE IF EXISTS refresh_tokens;
  DROP TABLE IF EXISTS app_passwords;
`
