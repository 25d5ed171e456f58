import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type LocalServer, serverLogTail, startLocalServer } from './local-server'
import type { Progress } from './progress'
import type { Report } from './result-types'
import { remoteTarget, type Target } from './target'

/** The repository root, where `bench-results/` lives. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** `bench-results/<prefix>-<local time>` under the repository root. */
export function defaultOutDir(prefix: string, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`
  return join(ROOT, 'bench-results', `${prefix}-${stamp}`)
}

const loads = () => loadavg().map((l) => Math.round(l * 100) / 100)

/** The machine the numbers were measured on. */
export function machineInfo(): Report['machine'] {
  const list = cpus()
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    loadAverageStart: loads(),
    loadAverageEnd: [],
  }
}

/** Fills in the end of a report's machine section. */
export const finishMachineInfo = (m: Report['machine']): Report['machine'] => ({
  ...m,
  loadAverageEnd: loads(),
})

/**
 * Runs `fn` against a deployed PDS (`url` + `token`) or a fresh local one that is stopped
 * afterwards, also on Ctrl-C or SIGTERM (then the process exits 130 or 143) and on failure,
 * whose error then carries the end of the server log.
 */
export async function withTarget<T>(
  opts: { url: string | null; token: string | null; shards: number | null; keepDir: boolean },
  progress: Progress,
  fn: (target: Target) => Promise<T>,
): Promise<T> {
  if (opts.url !== null && opts.token !== null) return fn(await remoteTarget(opts.url, opts.token))
  progress.step('starting a local PDS (wrangler dev, fresh state, generated identity)')
  let server: LocalServer | null = null
  let stopping: Promise<void> | null = null
  // A terminal Ctrl-C reaches this process more than once (directly, and relayed by npm and
  // tsx), so the handler stays installed: a second signal must not kill us mid-cleanup.
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return
    process.stderr.write(`\n${signal}: stopping the local server\n`)
    stopping = (server?.stop() ?? Promise.resolve()).finally(() =>
      process.exit(signal === 'SIGINT' ? 130 : 143),
    )
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    server = await startLocalServer({ shards: opts.shards ?? undefined, keepDir: opts.keepDir })
    progress.step(`local PDS up: ${server.target.description}`)
    try {
      return await fn(server.target)
    } catch (e) {
      const err = e as Error
      err.message += `\n--- end of the server log ---\n${serverLogTail(server)}`
      throw err
    }
  } finally {
    const s = server as LocalServer | null
    if (s) {
      await s.stop()
      progress.step(
        `stopped the local PDS (process group ${s.target.serverPgid}); none of its processes remain`,
      )
      if (opts.keepDir) progress.step(`kept ${s.dir}`)
    }
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
