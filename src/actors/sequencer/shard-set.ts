import type { ShardLoad, ShardSet } from './sequencer'

/**
 * The shards that hold sockets and what each last reported (the `shards` table), mirrored
 * in memory: the names are read on every append, the loads on every placement.
 */
export function sqlShardSet(sql: SqlStorage): ShardSet {
  const names = new Set<string>()
  const loads = new Map<string, ShardLoad>()
  const rows = sql.exec<{ name: string; sockets: number; clients: string }>(
    'SELECT name, sockets, clients FROM shards',
  )
  for (const row of rows) {
    names.add(row.name)
    loads.set(row.name, { sockets: row.sockets, clients: parseClients(row.clients) })
  }
  return {
    names: () => names,
    loads: () => loads,
    set(name, load) {
      if (load.sockets === 0) {
        names.delete(name)
        loads.delete(name)
        sql.exec('DELETE FROM shards WHERE name = ?', name)
        return
      }
      names.add(name)
      loads.set(name, load)
      sql.exec(
        'INSERT OR REPLACE INTO shards (name, sockets, clients) VALUES (?, ?, ?)',
        name,
        load.sockets,
        JSON.stringify(load.clients),
      )
    },
  }
}

function parseClients(raw: string): string[] {
  try {
    const parsed: unknown = JSON.parse(raw)
    return Array.isArray(parsed) ? parsed.filter((c): c is string => typeof c === 'string') : []
  } catch {
    return []
  }
}

/** The same in memory only (tests). */
export function memoryShardSet(): ShardSet {
  const names = new Set<string>()
  const loads = new Map<string, ShardLoad>()
  return {
    names: () => names,
    loads: () => loads,
    set(name, load) {
      if (load.sockets === 0) {
        names.delete(name)
        loads.delete(name)
      } else {
        names.add(name)
        loads.set(name, load)
      }
    },
  }
}
