import { parseArgs } from 'node:util'
import { DEFAULT_PLC_URL, type IdentityKind } from './setup-plan'

/** What `npm run setup` was told on its command line; unset answers are asked for. */
export type SetupArgs = {
  hostname: string | null
  handle: string | null
  identity: IdentityKind | null
  did: string | null
  password: string | null
  plcUrl: string
  yes: boolean
  dryRun: boolean
  /** Replace an existing wrangler.deploy.toml (and so every key and secret). */
  force: boolean
}

export const SETUP_USAGE = `Usage: npm run setup -- [options]

Generates the keys and secrets of a deployment, writes wrangler.deploy.toml, stores the
secrets with wrangler, creates the R2 bucket and prints the DNS records to set.

  --hostname HOST      public host of the PDS (pds.example.com)
  --handle HANDLE      the owner's handle (default: the hostname)
  --identity KIND      web (did:web on the host), plc (a new did:plc), existing-plc (move one in)
  --did DID            the did:plc moving in (with --identity existing-plc)
  --password PW        the owner's password (default: a strong one, shown once)
  --plc-url URL        PLC directory (default ${DEFAULT_PLC_URL}, or env PLC_URL)
  --yes                ask nothing: missing answers are an error
  --dry-run            print the wrangler and PLC calls instead of making them
  --force              run again over an existing wrangler.deploy.toml: new keys and secrets
  --help               this text`

const KINDS: readonly IdentityKind[] = ['web', 'plc', 'existing-plc']

/** Parses the command line; throws on anything it does not understand. */
export function parseSetupArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): SetupArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      hostname: { type: 'string' },
      handle: { type: 'string' },
      identity: { type: 'string' },
      did: { type: 'string' },
      password: { type: 'string' },
      'plc-url': { type: 'string' },
      yes: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  if (values.help) return 'help'
  const identity = values.identity ?? null
  if (identity !== null && !KINDS.includes(identity as IdentityKind))
    throw new Error(`--identity must be one of ${KINDS.join(', ')}, not "${identity}"`)
  return {
    hostname: values.hostname?.toLowerCase() ?? null,
    handle: values.handle?.toLowerCase() ?? null,
    identity: identity as IdentityKind | null,
    did: values.did ?? null,
    password: values.password ?? null,
    plcUrl: values['plc-url'] ?? env.PLC_URL ?? DEFAULT_PLC_URL,
    yes: values.yes,
    dryRun: values['dry-run'],
    force: values.force,
  }
}
