import type { Migration } from '../../shared/sql-migrations'

/** Schema of the sequencer actor. Append new entries; never edit an applied one. */
export const SEQUENCER_MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    sql: `
      CREATE TABLE seq_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        last_seq INTEGER NOT NULL,
        last_outbox_id INTEGER NOT NULL
      );
      INSERT INTO seq_state (id, last_seq, last_outbox_id) VALUES (1, 0, 0);
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        sequenced_at INTEGER NOT NULL,
        frame BLOB,
        chunk_count INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX events_time ON events (sequenced_at);
      CREATE TABLE event_chunks (seq INTEGER NOT NULL, idx INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (seq, idx));
      CREATE TABLE shards (name TEXT PRIMARY KEY);
    `,
  },
  {
    // The last getHostStatus answer and requestCrawl per relay (relay-health.ts), for the status page.
    id: 2,
    sql: `
      CREATE TABLE relay_status (
        relay TEXT PRIMARY KEY,
        status TEXT,
        checked_at INTEGER,
        detail TEXT,
        last_crawl_at INTEGER
      );
    `,
  },
  {
    // What each shard holds (shard-placement.ts): its socket count and its clients' keys, JSON.
    id: 3,
    sql: `
      ALTER TABLE shards ADD COLUMN sockets INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE shards ADD COLUMN clients TEXT NOT NULL DEFAULT '[]';
    `,
  },
]
