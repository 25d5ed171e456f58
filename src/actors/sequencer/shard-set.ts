import type { ShardSet } from './sequencer'

/** The shard names in the `shards` table, mirrored in memory (read on every append). */
export function sqlShardSet(sql: SqlStorage): ShardSet {
  const names = new Set<string>()
  for (const row of sql.exec<{ name: string }>('SELECT name FROM shards')) names.add(row.name)
  return {
    names: () => names,
    add(name) {
      if (names.has(name)) return
      names.add(name)
      sql.exec('INSERT OR IGNORE INTO shards (name) VALUES (?)', name)
    },
    delete(name) {
      names.delete(name)
      sql.exec('DELETE FROM shards WHERE name = ?', name)
    },
  }
}
