// `npm start`: the PDS on http://localhost:$PORT (default 8787) under local `wrangler dev`.
// On first run it generates `.dev.vars` (a new identity and secrets) and prints the
// login details once; later runs never print secrets. wrangler's per-request log is off
// (it costs CPU on every request); `npm start -- --log-requests` turns it back on.

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkDevVars, generateDevVars, readDevVars, writeDevVars } from './lib/dev-vars.mjs'
import { runWranglerDev } from './lib/wrangler-dev.mjs'

const DEFAULT_PORT = 8787
const root = fileURLToPath(new URL('..', import.meta.url))
const devVarsPath = join(root, '.dev.vars')
const wranglerBin = join(root, 'node_modules', '.bin', 'wrangler')

function parsePort(value) {
  if (value === undefined || value === '') return DEFAULT_PORT
  const port = Number(value)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`PORT must be a number from 1 to 65535, not "${value}"`)
    process.exit(1)
  }
  return port
}

const USAGE = 'usage: npm start [-- --log-requests]'

/** The options after `npm start --`; exits on anything else. */
function parseArgs(argv) {
  let logRequests = false
  for (const arg of argv) {
    if (arg === '--log-requests') logRequests = true
    else {
      console.error(`unknown option ${arg}\n${USAGE}`)
      process.exit(2)
    }
  }
  return { logRequests }
}

/**
 * Prints one line once the PDS answers: without the request log wrangler prints no
 * "Ready on" line of its own. Gives up quietly when wrangler exits first.
 */
async function announceWhenReady(port, logRequests, running) {
  const url = `http://localhost:${port}`
  while (running()) {
    try {
      const res = await fetch(`${url}/xrpc/_health`, { signal: AbortSignal.timeout(2_000) })
      await res.body?.cancel()
      if (res.ok) {
        const hint = logRequests ? '' : ' (request log off: npm start -- --log-requests shows it)'
        console.log(`PDS ready on ${url}${hint}`)
        return
      }
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500))
  }
}

function printLoginDetails(vars) {
  const rows = [
    ['PDS', `http://${vars.PDS_HOSTNAME}`],
    ['Handle', vars.HANDLE],
    ['DID', vars.DID],
    ['Password', vars.PASSWORD],
    ['Auth token', vars.AUTH_TOKEN],
  ]
  const rule = '='.repeat(72)
  console.log(
    [
      rule,
      'Created .dev.vars with a new local identity. Keep these; they are shown only now',
      '(they stay readable in .dev.vars):',
      '',
      ...rows.map(([label, value]) => `  ${label.padEnd(11)} ${value}`),
      '',
      'Writes: Authorization: Bearer <auth token>',
      rule,
    ].join('\n'),
  )
}

async function main() {
  const { logRequests } = parseArgs(process.argv.slice(2))
  const port = parsePort(process.env.PORT)
  if (!existsSync(wranglerBin)) {
    console.error('wrangler is not installed: run `npm install` first.')
    return 1
  }

  if (existsSync(devVarsPath)) {
    for (const warning of checkDevVars(readDevVars(devVarsPath), port)) console.warn(`warning: ${warning}`)
  } else {
    const vars = await generateDevVars(port)
    writeDevVars(devVarsPath, vars)
    printLoginDetails(vars)
  }

  let running = true
  const exit = runWranglerDev({
    wranglerBin,
    cwd: root,
    port,
    persistTo: join(root, '.wrangler', 'state'),
    logRequests,
  }).finally(() => {
    running = false
  })
  void announceWhenReady(port, logRequests, () => running)
  return exit
}

process.exitCode = await main()
