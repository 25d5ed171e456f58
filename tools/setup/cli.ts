import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { parseSetupArgs, SETUP_USAGE, type SetupArgs } from './cli-args'
import { type Operator, RealOperator, RecordingOperator } from './cloudflare'
import { DEPLOY_CONFIG } from './deploy-config'
import { applySetup, setupSummary } from './run-setup'
import { type IdentityKind, planSetup, type SetupAnswers, SetupInputError } from './setup-plan'

const PROJECT_DIR = new URL('../../', import.meta.url).pathname

/** Fills in what the flags left unset, asking on a terminal unless `--yes`. */
async function answers(args: SetupArgs): Promise<SetupAnswers> {
  const rl = args.yes ? null : createInterface({ input: process.stdin, output: process.stdout })
  const ask = async (what: string, fallback?: string): Promise<string> => {
    if (!rl) {
      if (fallback !== undefined) return fallback
      throw new SetupInputError(`--yes given but no ${what}`)
    }
    const answer = (await rl.question(`${what}${fallback ? ` [${fallback}]` : ''}: `)).trim()
    return answer || fallback || ask(what, fallback)
  }
  try {
    const hostname = args.hostname ?? (await ask('public hostname (pds.example.com)'))
    const handle = args.handle ?? (await ask('handle', hostname))
    const identity = (args.identity ??
      (await ask('identity: web, plc or existing-plc', 'web'))) as IdentityKind
    const did = identity === 'existing-plc' ? (args.did ?? (await ask('the did:plc moving in'))) : args.did
    return { hostname, handle, identity, did, password: args.password, plcUrl: args.plcUrl }
  } finally {
    rl?.close()
  }
}

async function main(): Promise<number> {
  let args: SetupArgs | 'help'
  try {
    args = parseSetupArgs(process.argv.slice(2))
  } catch (e) {
    console.error(`${(e as Error).message}\n\n${SETUP_USAGE}`)
    return 2
  }
  if (args === 'help') {
    console.log(SETUP_USAGE)
    return 0
  }
  if (!args.dryRun && !args.force && existsSync(join(PROJECT_DIR, DEPLOY_CONFIG))) {
    // A rerun makes a new signing key: a did:plc would then name a key the PDS no longer has.
    console.error(
      `${DEPLOY_CONFIG} exists: this deployment is set up. --force replaces every key and secret.`,
    )
    return 2
  }
  try {
    const plan = await planSetup(await answers(args))
    const op: Operator = args.dryRun ? new RecordingOperator((l) => console.log(l)) : new RealOperator()
    const config = await applySetup(plan, op, { projectDir: PROJECT_DIR, dryRun: args.dryRun })
    if (args.dryRun) console.log(`--- ${DEPLOY_CONFIG} (not written) ---\n${config}---`)
    else console.log(`wrote ${DEPLOY_CONFIG}`)
    for (const line of setupSummary(plan)) console.log(line)
    return 0
  } catch (e) {
    if (e instanceof SetupInputError) {
      console.error(e.message)
      return 2
    }
    throw e
  }
}

process.exitCode = await main()
