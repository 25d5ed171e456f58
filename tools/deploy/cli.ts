import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { RealOperator, RecordingOperator } from '../setup/cloudflare'
import { DEPLOY_CONFIG } from '../setup/deploy-config'
import { defaultCheckEnv, formatCheck, runChecks } from './checks'

const PROJECT_DIR = new URL('../../', import.meta.url).pathname

const USAGE = `Usage: npm run deploy -- [options]

Runs wrangler deploy with ${DEPLOY_CONFIG} (written by npm run setup), then checks the live
host as a relay would: one PASS/FAIL line per check; exits 1 if any failed.

  --check-only         do not deploy, only check
  --url URL            the PDS to check (default https://<PDS_HOSTNAME of ${DEPLOY_CONFIG}>)
  --relay URL          relay to call requestCrawl on (repeatable; default RELAYS, or https://bsky.network)
  --no-crawl           call no relay
  --plc-url URL        PLC directory (default PLC_URL, or https://plc.directory)
  --dry-run            print the wrangler call instead of making it, then check
  --help               this text`

/** A `KEY = "value"` of the generated config's `[vars]` (written by setup, so one per line). */
function deployVar(config: string, key: string): string | undefined {
  return new RegExp(`^${key} = "([^"]*)"$`, 'm').exec(config)?.[1]
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      'check-only': { type: 'boolean', default: false },
      url: { type: 'string' },
      relay: { type: 'string', multiple: true },
      'no-crawl': { type: 'boolean', default: false },
      'plc-url': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const configPath = join(PROJECT_DIR, DEPLOY_CONFIG)
  const config = existsSync(configPath) ? readFileSync(configPath, 'utf8') : ''
  if (!values['check-only']) {
    if (!config) {
      console.error(`no ${DEPLOY_CONFIG}: run npm run setup first`)
      return 2
    }
    const op = values['dry-run'] ? new RecordingOperator((l) => console.log(l)) : new RealOperator()
    await op.deploy(DEPLOY_CONFIG)
  }
  const hostname = deployVar(config, 'PDS_HOSTNAME')
  const url = values.url ?? (hostname ? `https://${hostname}` : null)
  if (!url) {
    console.error(`--url needed (no ${DEPLOY_CONFIG} to take PDS_HOSTNAME from)\n\n${USAGE}`)
    return 2
  }
  const configuredRelays = deployVar(config, 'RELAYS')
  const relays = values['no-crawl']
    ? []
    : (values.relay ??
      (configuredRelays !== undefined
        ? configuredRelays
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean)
        : ['https://bsky.network']))
  const plcUrl = values['plc-url'] ?? deployVar(config, 'PLC_URL') ?? 'https://plc.directory'
  const results = await runChecks(url, defaultCheckEnv({ relays, plcUrl }))
  for (const r of results) console.log(formatCheck(r))
  return results.every((r) => r.ok) ? 0 : 1
}

process.exitCode = await main()
