import { spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { wranglerDevCommand } from '../../scripts/lib/wrangler-dev.mjs'
import { freePort } from '../../test/e2e/harness/free-port'
import { logTail } from '../../test/e2e/harness/pds-process'
import { stopGroup } from '../../test/e2e/harness/process-group'
import type { LeanRequest } from './lean-client'

const PROBE_DIR = fileURLToPath(new URL('../probe/', import.meta.url))
const WRANGLER_BIN = fileURLToPath(new URL('../../node_modules/.bin/wrangler', import.meta.url))
const READY_TIMEOUT_MS = 120_000

/** The probe's four shapes (tools/probe/probe-worker.ts), in the order the bench reports them. */
export const PROBE_SHAPES: { name: string; request: LeanRequest }[] = [
  { name: 'probe: constant response', request: { method: 'GET', path: '/constant' } },
  { name: 'probe: Worker → DO', request: { method: 'POST', path: '/do' } },
  { name: 'probe: Worker → DO, sign + 2 KB insert', request: { method: 'POST', path: '/sign-insert' } },
  {
    name: 'probe: Worker → DO, @atproto/repo create → 2nd DO',
    request: { method: 'POST', path: '/repo-create' },
  },
]

/** The name of the shape the PDS's createRecord is compared with. */
export const SIGN_INSERT = 'probe: Worker → DO, sign + 2 KB insert'

export type ProbeServer = { origin: string; pgid: number; stop: () => Promise<void> }

/**
 * Starts the probe Worker under local `wrangler dev` with the same command the PDS is
 * started with (`wranglerDevCommand`, as `npm start` and the e2e suite use), on a free
 * port with fresh state in a temp directory; resolves once it answers.
 */
export async function startProbe(opts: { logRequests?: boolean } = {}): Promise<ProbeServer> {
  const dir = mkdtempSync(join(tmpdir(), 'edge-pds-probe-'))
  const log = join(dir, 'wrangler.log')
  const port = await freePort()
  const { args, env } = wranglerDevCommand({
    port,
    persistTo: join(dir, 'state'),
    logRequests: opts.logRequests,
  })
  const out = openSync(log, 'a')
  const child = spawn(WRANGLER_BIN, args, {
    cwd: PROBE_DIR,
    env,
    detached: true,
    stdio: ['ignore', out, out],
  })
  closeSync(out)
  const pgid = child.pid
  if (pgid === undefined) throw new Error('could not spawn wrangler for the probe')
  let exited: string | null = null
  child.once('exit', (code, signal) => {
    exited = `wrangler exited (${signal ?? `code ${code}`})`
  })
  const stop = async () => {
    await stopGroup(pgid)
    rmSync(dir, { recursive: true, force: true })
  }
  const origin = `http://127.0.0.1:${port}`
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (exited === null && Date.now() < deadline) {
    try {
      const res = await fetch(`${origin}/constant`, { signal: AbortSignal.timeout(5_000) })
      await res.body?.cancel()
      if (res.ok) return { origin, pgid, stop }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  const tail = logTail(log)
  await stop()
  throw new Error(`the probe did not start: ${exited ?? 'no answer in time'}\n${tail}`)
}
