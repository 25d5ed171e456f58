// `npm start`: the PDS on http://localhost:$PORT (default 8787) under local `wrangler dev`.
// On first run it generates `.dev.vars` (a new identity and secrets) and prints the
// login details once; later runs never print secrets.

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

  return runWranglerDev({ wranglerBin, cwd: root, port, persistTo: join(root, '.wrangler', 'state') })
}

process.exitCode = await main()
