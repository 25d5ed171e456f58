import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from '../../test/e2e/harness/free-port'
import { createPdsIdentity } from '../../test/e2e/harness/pds-identity'
import { logTail, spawnPds } from '../../test/e2e/harness/pds-process'
import { groupMembers, stopGroup } from '../../test/e2e/harness/process-group'
import { isUserWorkerd } from './memory-sampler'
import { snapshotSource, sourceVersion } from './source-snapshot'
import { firehoseUrlOf, type Target } from './target'

/** A local `wrangler dev` started for one run, and how to get rid of it. */
export type LocalServer = { target: Target; dir: string; log: string; stop: () => Promise<void> }

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** wrangler dev's line when it rebuilt the worker after a source change (wrangler 4). */
const RELOAD_LINE = 'Reloading local server'

/**
 * Counts reloads from the workerd that runs the Worker: miniflare starts a new one on
 * each reload. The log line says so too, but only with the request log on (wrangler
 * prints it at the level `npm start` now leaves out).
 */
function reloadCounter(pgid: () => number | null, log: string): () => number {
  const seen = new Set<number>()
  return () => {
    const group = pgid()
    if (group !== null)
      for (const p of groupMembers(group)) if (p.comm === 'workerd' && isUserWorkerd(p.pid)) seen.add(p.pid)
    return Math.max(seen.size - 1, countReloads(log))
  }
}

/**
 * Starts the PDS under local `wrangler dev` from a snapshot of the source, with the e2e
 * suite's identity: a free port, a fresh did:web identity and empty state in a temp
 * directory, no relays to crawl. `stop` stops the whole process group and removes the
 * directory unless `keepDir`; it is safe to call twice.
 */
export async function startLocalServer(opts: {
  shards?: number
  keepDir?: boolean
  /** wrangler's inspector on this port (for reading the isolate's heap). */
  inspectorPort?: number
}): Promise<LocalServer> {
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
    // A load test writes far more than a person: the hourly write quota must not cut it short.
    appendFileSync(id.envFile, 'WRITE_LIMIT_RECORDS=100000000/1h\n')
    // As `npm start` runs it: without wrangler's request log.
    const extraArgs = opts.inspectorPort === undefined ? [] : ['--inspector-port', String(opts.inspectorPort)]
    await spawnPds(id, { cwd: app, log, logRequests: false, extraArgs, onSpawned: (group) => (pgid = group) })
    const target: Target = {
      baseUrl: id.baseUrl,
      firehoseUrl: firehoseUrlOf(id.baseUrl),
      did: id.did,
      token: id.authToken,
      serverPgid: pgid,
      description: `local wrangler dev on ${id.baseUrl} (${version}, copied at start), fresh state${opts.shards === undefined ? '' : `, SUBSCRIBER_SHARDS=${opts.shards}`}`,
      reloads: reloadCounter(() => pgid, log),
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
