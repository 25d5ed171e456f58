import { parseArgs } from 'node:util'
import { backup } from './backup'
import { restore } from './restore'
import { restoreSnapshot } from './restore-snapshot'

const USAGE = `Usage:
  npm run backup -- --from <PDS URL> --out DIR [--token T] [--plc-url URL]
      the repo CAR (verified), every blob (resumable) and, with a token, the preferences
  npm run restore -- --from DIR --to <PDS URL> --token T [--activate]
      into a fresh deployment of the same DID: importRepo while deactivated, uploadBlob,
      putPreferences; --activate once the DID document names the new host
  npm run restore -- --snapshot FILE.car --to <PDS URL> --token T [--activate]
      one repo CAR (a scheduled snapshot, fetched with
      npx wrangler r2 object get edge-pds-blobs/snapshots/<did>/<rev>.car --file FILE.car --remote):
      importRepo while deactivated; it holds no blobs, so the missing ones are counted

  --token T (or env PDS_TOKEN): an access JWT or AUTH_TOKEN. Instead, --password PW (or env
  PDS_PASSWORD, which keeps it off the command line) logs in as the owner with createSession.`

/** Overwrites one terminal line in place; plain lines when not on a terminal. */
const progress = (line: string) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`)
  else process.stderr.write(`${line}\n`)
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2)
  const { values } = parseArgs({
    args: rest,
    options: {
      from: { type: 'string' },
      out: { type: 'string' },
      to: { type: 'string' },
      snapshot: { type: 'string' },
      token: { type: 'string' },
      password: { type: 'string' },
      'plc-url': { type: 'string' },
      activate: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  const token = values.token ?? process.env.PDS_TOKEN ?? null
  const password = values.password ?? process.env.PDS_PASSWORD ?? null
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (command === 'backup' && values.from && values.out) {
    const m = await backup({
      from: values.from.replace(/\/$/, ''),
      out: values.out,
      token,
      password,
      plcUrl: values['plc-url'] ?? process.env.PLC_URL ?? 'https://plc.directory',
      fetch,
      progress,
    })
    process.stderr.write('\n')
    console.log(
      `backed up ${m.did} rev ${m.rev}: ${m.records} records, ${m.blobs} blobs` +
        (m.preferences ? ', preferences' : ' (no token: no preferences)') +
        ` into ${values.out}`,
    )
    return 0
  }
  if (command === 'restore' && values.snapshot && values.to && (token || password)) {
    const r = await restoreSnapshot({
      car: values.snapshot,
      to: values.to.replace(/\/$/, ''),
      credential: token ? { token } : { password: password ?? '' },
      activate: values.activate,
      fetch,
      progress,
    })
    process.stderr.write('\n')
    console.log(
      `restored ${r.did} at rev ${r.rev} into ${values.to}` +
        (values.activate ? ', activated' : '; the account stays deactivated until activateAccount') +
        (r.missingBlobs > 0
          ? `\n${r.missingBlobs} blobs its records reference are missing: upload them from a full backup`
          : ''),
    )
    return 0
  }
  if (command === 'restore' && values.from && values.to && (token || password)) {
    const r = await restore({
      from: values.from,
      to: values.to.replace(/\/$/, ''),
      credential: token ? { token } : { password: password ?? '' },
      activate: values.activate,
      fetch,
      progress,
    })
    process.stderr.write('\n')
    console.log(
      `restored ${r.records} records and ${r.blobs} blobs into ${values.to}` +
        (values.activate ? ', activated' : '; the account stays deactivated until activateAccount'),
    )
    return 0
  }
  console.error(USAGE)
  return 2
}

process.exitCode = await main()
