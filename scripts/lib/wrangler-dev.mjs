// Runs `wrangler dev` as a child process that lives and dies with this one.

import { spawn } from 'node:child_process'
import { constants } from 'node:os'

/**
 * The arguments and environment of local `wrangler dev` on 127.0.0.1:`port` with state
 * under `persistTo`. With `envFile`, settings come from that dotenv file instead of
 * `.dev.vars` (wrangler skips `.dev.vars` once `--env-file` is given).
 *
 * Without `logRequests`, wrangler runs at `--log-level warn`: its dev proxy then skips the
 * per-request log line, which it sends from workerd to wrangler's Node process and prints
 * there on every request (a quarter of the local CPU per write, issue #14). The level is
 * wrangler's only switch for it, so the Worker's own info lines go too; warnings and
 * errors stay.
 */
export function wranglerDevCommand({ port, persistTo, envFile, logRequests = false }) {
  const args = ['dev', '--local', '--ip', '127.0.0.1', '--port', String(port), '--persist-to', persistTo]
  if (envFile !== undefined) args.push('--env-file', envFile)
  if (!logRequests) args.push('--log-level', 'warn')
  const env = {
    ...process.env,
    // This machine may have no internet: skip fetching `request.cf` data and metrics.
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
    WRANGLER_SEND_METRICS: 'false',
  }
  return { args, env }
}

/**
 * Starts local `wrangler dev` on 127.0.0.1:`port` with state under `persistTo`, and
 * resolves with the exit code to use: the child's, or 128 + signal number.
 */
export function runWranglerDev({ wranglerBin, cwd, port, persistTo, logRequests }) {
  const { args, env } = wranglerDevCommand({ port, persistTo, logRequests })
  const child = spawn(wranglerBin, args, { cwd, stdio: 'inherit', env })

  // Forward so that `kill <pid>` on this process also stops wrangler and its workerd.
  // A terminal Ctrl-C reaches both processes; wrangler shuts down once either way.
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => forward(signal))

  // `npm start` runs this under `sh -c`, and dash does not pass on the SIGTERM that npm
  // forwards, so `kill <npm pid>` would orphan wrangler and workerd. Losing the parent
  // therefore counts as SIGTERM.
  const parentPid = process.ppid
  const parentWatch = setInterval(() => {
    if (process.ppid === parentPid) return
    clearInterval(parentWatch)
    forward('SIGTERM')
  }, 1000)
  parentWatch.unref()

  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`Could not start ${wranglerBin}: ${error.message}`)
      resolve(1)
    })
    child.on('exit', (code, signal) => resolve(code ?? 128 + (constants.signals[signal] ?? 0)))
  })
}
