import { parseArgs } from 'node:util'
import { MigrationStepError, migrate } from './migrate'
import { secret } from './secret-input'
import { findSourceAccount } from './source-account'

const USAGE = `Usage:
  npm run migrate -- --from <old PDS URL, handle or DID> --to <new PDS URL>
                     [--account <handle or DID>] [--handle H] [--email E] [--plc-url URL]

  Moves the account to the new host: repo, blobs, preferences, then the DID document, then
  activates the new host and deactivates the old one. Running it again resumes.
  --account   which account, when --from is the URL of a PDS hosting several
  --handle, --email   for createAccount at a new host that lacks the account
              (default: the old session's)
  Secrets are asked for without echo, or taken from the environment for unattended runs:
  MIGRATE_OLD_PASSWORD, MIGRATE_NEW_PASSWORD, MIGRATE_PLC_TOKEN (the emailed token; an
  edge-pds old host hands it over itself).`

const BAR_WIDTH = 30

/** A redrawn bar on a terminal; a line per blob otherwise (scripts and tests read those). */
function blobProgress(done: number, total: number): void {
  if (process.stderr.isTTY) {
    const filled = total > 0 ? Math.round((done / total) * BAR_WIDTH) : BAR_WIDTH
    process.stderr.write(
      `\r\x1b[2Kblobs ${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${done}/${total}`,
    )
    if (done === total) process.stderr.write('\n')
  } else {
    process.stderr.write(`blobs: ${done}/${total}\n`)
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      account: { type: 'string' },
      handle: { type: 'string' },
      email: { type: 'string' },
      'plc-url': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (!values.from || !values.to) {
    console.error(USAGE)
    return 2
  }
  const log = (line: string) => process.stderr.write(`${line}\n`)
  try {
    const source = await findSourceAccount({
      from: values.from,
      account: values.account ?? null,
      plcUrl: values['plc-url'] ?? process.env.PLC_URL ?? 'https://plc.directory',
      fetch,
    })
    log(`moving ${source.did} from ${source.oldPdsUrl} to ${values.to}`)
    const oldPassword = await secret('MIGRATE_OLD_PASSWORD', `Password at ${source.oldPdsUrl}:`)
    const newPassword = await secret('MIGRATE_NEW_PASSWORD', `Password at ${values.to}:`)
    await migrate({
      source,
      newUrl: values.to.replace(/\/+$/, ''),
      oldPassword,
      newPassword,
      handle: values.handle ?? null,
      email: values.email ?? null,
      plcTokenFromEnv: process.env.MIGRATE_PLC_TOKEN || null,
      askPlcToken: () => secret('MIGRATE_PLC_TOKEN', 'PLC operation token (from the email):'),
      fetch,
      log,
      blobProgress,
    })
    console.log(`migrated ${source.did} to ${values.to}`)
    return 0
  } catch (e) {
    if (e instanceof MigrationStepError) {
      log(`\nmigrate: failed to ${e.step}: ${e.message}`)
      log(e.done.length > 0 ? `done so far: ${e.done.join('; ')}` : 'nothing was changed yet')
      log('the old host is still active; run the same command again to resume from here')
    } else {
      log(`\nmigrate: ${e instanceof Error ? e.message : String(e)}`)
    }
    return 1
  }
}

// Exit at once: a stdin left open for a prompt would keep the process alive.
process.exit(await main())
