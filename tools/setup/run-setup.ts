import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Operator } from './cloudflare'
import { bucketName, DEPLOY_CONFIG, deployConfig } from './deploy-config'
import type { SetupPlan } from './setup-plan'

/** Where setup reads wrangler.toml and writes wrangler.deploy.toml. */
export type SetupTarget = { projectDir: string; dryRun: boolean }

/**
 * Applies a plan: the PLC genesis first (if the directory refuses it nothing else has been
 * done), then the config file, the secrets and the bucket. In a dry run the operator only
 * records and the config is returned, not written.
 */
export async function applySetup(plan: SetupPlan, op: Operator, target: SetupTarget): Promise<string> {
  const base = readFileSync(join(target.projectDir, 'wrangler.toml'), 'utf8')
  const config = deployConfig(base, plan.vars, plan.vars.PDS_HOSTNAME ?? '')
  if (plan.plcGenesis) {
    await op.submitPlcOperation(plan.vars.PLC_URL ?? 'https://plc.directory', plan.did, plan.plcGenesis.op)
  }
  if (!target.dryRun) writeFileSync(join(target.projectDir, DEPLOY_CONFIG), config)
  for (const [name, value] of Object.entries(plan.secrets)) await op.putSecret(DEPLOY_CONFIG, name, value)
  await op.createBucket(DEPLOY_CONFIG, bucketName(base))
  return config
}

/** What the operator reads at the end: DNS, the shown-once secrets, the manual steps. */
export function setupSummary(plan: SetupPlan): string[] {
  const lines = [`DID: ${plan.did}`, `signing key: ${plan.signingDidKey}`]
  if (plan.passwordGenerated) lines.push(`PASSWORD (shown once, store it now): ${plan.secrets.PASSWORD}`)
  lines.push(
    `PLC_ROTATION_KEY (${plan.rotationDidKey}; Cloudflare secrets cannot be read back, keep this copy offline):`,
    `  ${plan.secrets.PLC_ROTATION_KEY}`,
  )
  if (plan.dns.length === 0) {
    lines.push(
      `DNS: nothing for the handle (${plan.vars.HANDLE} is the host; /.well-known/atproto-did answers)`,
    )
  } else {
    lines.push('DNS: set', ...plan.dns.map((d) => `  ${d}`))
  }
  lines.push(...plan.manual)
  lines.push('Next: npm run deploy')
  return lines
}
