import type { HostStatus, RelayRecord, RelayRecordStore } from './relay-health'

type Row = {
  relay: string
  status: string | null
  checked_at: number | null
  detail: string | null
  last_crawl_at: number | null
}

/** Relay rows on the sequencer's SQLite (`relay_status`, migration 2). */
export class SqlRelayRecordStore implements RelayRecordStore {
  constructor(private readonly sql: SqlStorage) {}

  get(relay: string): RelayRecord | null {
    const row = this.sql.exec<Row>('SELECT * FROM relay_status WHERE relay = ?', relay).toArray()[0]
    if (!row) return null
    return {
      relay: row.relay,
      status: row.status as HostStatus | null,
      checkedAt: row.checked_at,
      detail: row.detail,
      lastCrawlAt: row.last_crawl_at,
    }
  }

  put(r: RelayRecord): void {
    this.sql.exec(
      `INSERT INTO relay_status (relay, status, checked_at, detail, last_crawl_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (relay) DO UPDATE SET status = excluded.status, checked_at = excluded.checked_at,
         detail = excluded.detail, last_crawl_at = excluded.last_crawl_at`,
      r.relay,
      r.status,
      r.checkedAt,
      r.detail,
      r.lastCrawlAt,
    )
  }
}
