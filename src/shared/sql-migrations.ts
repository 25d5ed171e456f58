/** A numbered schema change; `sql` may hold several statements. */
export type Migration = { id: number; sql: string }

/**
 * Applies the migrations not yet recorded in `_migrations`, in order, each in its
 * own transaction together with its record, so a crash never leaves one half-applied.
 */
export function runMigrations(storage: DurableObjectStorage, migrations: readonly Migration[]): void {
  const sql = storage.sql
  sql.exec('CREATE TABLE IF NOT EXISTS _migrations (id INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)')
  const done = new Set(
    sql
      .exec<{ id: number }>('SELECT id FROM _migrations')
      .toArray()
      .map((r) => r.id),
  )
  for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
    if (done.has(m.id)) continue
    storage.transactionSync(() => {
      sql.exec(m.sql)
      sql.exec('INSERT INTO _migrations (id, applied_at) VALUES (?, ?)', m.id, new Date().toISOString())
    })
  }
}
