import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** One `wrangler dev` started by the suite: its process group and log file. */
export type ServerEntry = { pgid: number; label: string; log: string }

const file = (dir: string) => join(dir, 'servers.json')

/**
 * Every server started in this run, oldest first. Tests run in worker processes and may
 * restart the server; the list lets the global teardown stop whatever was started last.
 */
export function registeredServers(dir: string): ServerEntry[] {
  return existsSync(file(dir)) ? (JSON.parse(readFileSync(file(dir), 'utf8')) as ServerEntry[]) : []
}

/** Adds a server to the list (one writer at a time: test files run one after another). */
export function registerServer(dir: string, entry: ServerEntry): void {
  writeFileSync(file(dir), JSON.stringify([...registeredServers(dir), entry]))
}

/** The server started last: the one that should be running now. */
export function currentServer(dir: string): ServerEntry {
  const last = registeredServers(dir).at(-1)
  if (!last) throw new Error(`no server registered in ${dir}`)
  return last
}
