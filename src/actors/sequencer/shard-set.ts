import type { ShardLoad, ShardSet } from './sequencer'

/** Where a shard set keeps its loads beyond memory (nowhere, for tests). */
type ShardLoadStore = {
  put(name: string, load: ShardLoad): void
  remove(name: string): void
}

/** Loads in memory, read on every append and placement; each change also goes to `store`. */
function mirroredShardSet(initial: Map<string, ShardLoad>, store: ShardLoadStore | null): ShardSet {
  const loads = initial
  return {
    names: () => loads.keys(),
    loads: () => loads,
    set(name, load) {
      if (load.sockets === 0) {
        loads.delete(name)
        store?.remove(name)
        return
      }
      loads.set(name, load)
      store?.put(name, load)
    },
  }
}

/** The shards that hold sockets and what each last reported: the `shards` table, mirrored. */
export function sqlShardSet(sql: SqlStorage): ShardSet {
  const loads = new Map<string, ShardLoad>()
  const rows = sql.exec<{ name: string; sockets: number; clients: string }>(
    'SELECT name, sockets, clients FROM shards',
  )
  for (const row of rows) loads.set(row.name, { sockets: row.sockets, clients: parseClients(row.clients) })
  return mirroredShardSet(loads, {
    put: (name, load) =>
      sql.exec(
        'INSERT OR REPLACE INTO shards (name, sockets, clients) VALUES (?, ?, ?)',
        name,
        load.sockets,
        JSON.stringify(load.clients),
      ),
    remove: (name) => sql.exec('DELETE FROM shards WHERE name = ?', name),
  })
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
export const memoryShardSet = (): ShardSet => mirroredShardSet(new Map(), null)
