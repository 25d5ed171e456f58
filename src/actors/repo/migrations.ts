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
]
