import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { wranglerDevCommand } from '../../../scripts/lib/wrangler-dev.mjs'
import type { PdsIdentity } from './pds-identity'
import { stopGroup } from './process-group'
import { registerServer, type ServerEntry } from './server-registry'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const WRANGLER_BIN = join(ROOT, 'node_modules', '.bin', 'wrangler')
const READY_TIMEOUT_MS = 120_000

/** The last lines of a server log, for error messages. */
export function logTail(log: string, lines = 25): string {
  try {
    return readFileSync(log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Where and how to run `wrangler dev`. */
export type SpawnOptions = {
  /** The project directory wrangler runs in (a copy of the source, for the load tool). */
  cwd: string
  log: string
  /** Called with the process group id as soon as it exists, before the PDS is ready. */
  onSpawned?: (pgid: number) => void
  /** Let this process exit while the server runs (a later teardown stops it). */
  unref?: boolean
  /**
   * A path that answers 200 once the PDS is up, for a server whose DID document is not its
   * own (an account moving in); by default the server is ready once it serves `id.did`'s.
   */
  readyPath?: string
  /** More `wrangler dev` arguments (the profiler's `--inspector-port`). */
  extraArgs?: string[]
  /**
   * wrangler's request log and the Worker's info lines (default on: some tests read info
   * lines from the log); the load tool turns it off, as `npm start` does.
   */
  logRequests?: boolean
}

/**
 * Starts `wrangler dev` for `id` in a process group of its own (so wrangler, esbuild and
 * both workerd processes can be signalled at once) and resolves with the group id once
 * the PDS serves its DID document. If it does not, the group is stopped and the error
 * carries the end of the log.
 */
export async function spawnPds(id: PdsIdentity, opts: SpawnOptions): Promise<number> {
  const out = openSync(opts.log, 'a')
  const { args, env } = wranglerDevCommand({
    port: id.port,
    persistTo: id.stateDir,
    envFile: id.envFile,
    logRequests: opts.logRequests ?? true,
  })
  args.push(...(opts.extraArgs ?? []))
  const child = spawn(WRANGLER_BIN, args, { cwd: opts.cwd, env, detached: true, stdio: ['ignore', out, out] })
  closeSync(out)
  // Set from the callbacks below; the cast stops TypeScript narrowing it to null for good.
  let exited = null as string | null
  child.once('exit', (code, signal) => {
    exited = `wrangler exited (${signal ?? `code ${code}`})`
  })
  child.once('error', (e) => {
    exited = `wrangler failed to start: ${e.message}`
  })
  const pgid = child.pid
  if (pgid === undefined) throw new Error(`the PDS did not start: could not spawn ${WRANGLER_BIN}`)
  if (opts.unref) child.unref()
  opts.onSpawned?.(pgid)

  const deadline = Date.now() + READY_TIMEOUT_MS
  let last = 'no answer yet'
  while (exited === null && Date.now() < deadline) {
    try {
      if (opts.readyPath) {
        const res = await fetch(`${id.baseUrl}${opts.readyPath}`, { signal: AbortSignal.timeout(5_000) })
        await res.body?.cancel()
        if (res.ok) return pgid
        last = `HTTP ${res.status}`
        await new Promise((r) => setTimeout(r, 250))
        continue
      }
      const res = await fetch(`${id.baseUrl}/.well-known/did.json`, { signal: AbortSignal.timeout(5_000) })
      const doc = res.ok ? ((await res.json()) as { id?: unknown }) : null
      if (doc?.id === id.did) return pgid
      last = `HTTP ${res.status}${doc ? `, id ${String(doc.id)}` : ''}`
    } catch (e) {
      last = (e as Error).message
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  await stopGroup(pgid)
  const why = exited ?? `no DID document within ${READY_TIMEOUT_MS / 1000} s (last: ${last})`
  throw new Error(`the PDS did not start on ${id.baseUrl}: ${why}\n--- ${opts.log} ---\n${logTail(opts.log)}`)
}

/**
 * Starts the PDS for `id` from the project directory and registers it at once, so the
 * global teardown stops it even if the test that started it dies. The child outlives
 * the test worker that started it until that teardown.
 */
export async function startPds(id: PdsIdentity, label: string): Promise<ServerEntry> {
  const log = join(id.dir, `wrangler-${label}.log`)
  let entry: ServerEntry | null = null
  await spawnPds(id, {
    cwd: ROOT,
    log,
    unref: true,
    onSpawned: (pgid) => {
      entry = { pgid, label, log }
      registerServer(id.dir, entry)
    },
  })
  if (!entry) throw new Error('unreachable: spawnPds resolved before spawning')
  return entry
}
