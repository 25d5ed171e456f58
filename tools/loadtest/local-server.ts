import { spawn } from 'node:child_process'
import { appendFileSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { wranglerDevCommand } from '../../scripts/lib/wrangler-dev.mjs'
import { freePort } from '../../test/e2e/harness/free-port'
import { createPdsIdentity, type PdsIdentity } from '../../test/e2e/harness/pds-identity'
import { logTail } from '../../test/e2e/harness/pds-process'
import { stopGroup } from '../../test/e2e/harness/process-group'
import { snapshotSource, sourceVersion } from './source-snapshot'
import { firehoseUrlOf, type Target } from './target'

/** A local `wrangler dev` started for one run, and how to get rid of it. */
export type LocalServer = { target: Target; dir: string; log: string; stop: () => Promise<void> }

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const WRANGLER_BIN = join(ROOT, 'node_modules', '.bin', 'wrangler')
const READY_TIMEOUT_MS = 120_000
/** wrangler dev's line when it rebuilt the worker after a source change (wrangler 4). */
const RELOAD_LINE = 'Reloading local server'

/**
 * Spawns wrangler dev from `cwd` in a process group of its own (wrangler, esbuild and
 * workerd can then be stopped together), and resolves with the group id once the PDS
 * serves its DID document. Like the e2e launcher (`test/e2e/harness/pds-process.ts`),
 * but from a copy of the source, which that one cannot do.
 */
async function spawnPds(id: PdsIdentity, cwd: string, log: string): Promise<number> {
  const out = openSync(log, 'a')
  const { args, env } = wranglerDevCommand({ port: id.port, persistTo: id.stateDir, envFile: id.envFile })
  const child = spawn(WRANGLER_BIN, args, { cwd, env, detached: true, stdio: ['ignore', out, out] })
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
  if (pgid === undefined) throw new Error(`could not spawn ${WRANGLER_BIN}`)
  const deadline = Date.now() + READY_TIMEOUT_MS
  let last = 'no answer yet'
  while (exited === null && Date.now() < deadline) {
    try {
      const res = await fetch(`${id.baseUrl}/.well-known/did.json`, { signal: AbortSignal.timeout(5_000) })
      const doc = res.ok ? ((await res.json()) as { id?: unknown }) : null
      if (doc?.id === id.did) return pgid
      last = `HTTP ${res.status}`
    } catch (e) {
      last = (e as Error).message
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  await stopGroup(pgid)
  const why = exited ?? `no DID document within ${READY_TIMEOUT_MS / 1000} s (last: ${last})`
  throw new Error(`the PDS did not start on ${id.baseUrl}: ${why}\n--- ${log} ---\n${logTail(log)}`)
}

/**
 * Starts the PDS under local `wrangler dev` from a snapshot of the source, with the e2e
 * suite's identity: a free port, a fresh did:web identity and empty state in a temp
 * directory, no relays to crawl. `stop` stops the whole process group and removes the
 * directory unless `keepDir`; it is safe to call twice.
 */
export async function startLocalServer(opts: { shards?: number; keepDir?: boolean }): Promise<LocalServer> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-pds-loadtest-'))
  const log = join(dir, 'wrangler.log')
  let stopped: Promise<void> | null = null
  let pgid: number | null = null
  const stop = () => {
    stopped ??= (async () => {
      try {
        if (pgid !== null) await stopGroup(pgid)
      } finally {
        if (!opts.keepDir) rmSync(dir, { recursive: true, force: true })
      }
    })()
    return stopped
  }
  try {
    const version = sourceVersion(ROOT)
    const app = snapshotSource(ROOT, join(dir, 'app'))
    const id = await createPdsIdentity(dir, await freePort())
    if (opts.shards !== undefined) appendFileSync(id.envFile, `SUBSCRIBER_SHARDS=${opts.shards}\n`)
    pgid = await spawnPds(id, app, log)
    const target: Target = {
      baseUrl: id.baseUrl,
      firehoseUrl: firehoseUrlOf(id.baseUrl),
      did: id.did,
      token: id.authToken,
      serverPgid: pgid,
      description: `local wrangler dev on ${id.baseUrl} (${version}, copied at start), fresh state${opts.shards === undefined ? '' : `, SUBSCRIBER_SHARDS=${opts.shards}`}`,
      reloads: () => countReloads(log),
    }
    return { target, dir, log, stop }
  } catch (e) {
    await stop()
    throw e
  }
}

function countReloads(log: string): number {
  try {
    return readFileSync(log, 'utf8').split(RELOAD_LINE).length - 1
  } catch {
    return 0
  }
}

/** The end of the server's log, for error messages when the run fails. */
export const serverLogTail = (server: LocalServer): string => logTail(server.log)
