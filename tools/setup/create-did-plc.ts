import { parseArgs } from 'node:util'
import { Secp256k1Keypair } from '@atproto/crypto'
import { isValidHandle } from '@atproto/syntax'
import * as plc from '@did-plc/lib'
import { RealOperator } from './cloudflare'
import { DEFAULT_PLC_URL } from './setup-plan'

const USAGE = `Usage:
  npm run create-did-plc -- --hostname pds.example.com --handle alice.example.com
                            [--recovery-key] [--plc-url URL]

  Registers a new did:plc: the genesis operation names the signing key (SIGNING_KEY from the
  environment, else a new one), the handle and https://<hostname> as the PDS, with rotation
  keys [a recovery key you keep, with --recovery-key; PLC_ROTATION_KEY from the environment,
  else a new one]. Prints the DID to configure and any key it generated, once.`

const hex = async (k: Secp256k1Keypair) => Buffer.from(await k.export()).toString('hex')
const keyFrom = async (name: string): Promise<{ key: Secp256k1Keypair; generated: boolean }> => {
  const value = process.env[name]
  if (value) {
    if (!/^[0-9a-f]{64}$/i.test(value)) throw new Error(`${name} must be 64 hex characters`)
    return { key: await Secp256k1Keypair.import(value, { exportable: true }), generated: false }
  }
  return { key: await Secp256k1Keypair.create({ exportable: true }), generated: true }
}

/**
 * `npm run create-did-plc`: the did:plc genesis of `npm run setup --identity plc` on its own,
 * for an operator who keeps the secrets elsewhere. The recovery key goes first: a higher
 * rotation key can undo, within 72 hours, an operation a lower one (this PDS's) signed.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      hostname: { type: 'string' },
      handle: { type: 'string' },
      'plc-url': { type: 'string' },
      'recovery-key': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help || !values.hostname || !values.handle) {
    console.error(USAGE)
    return values.help ? 0 : 2
  }
  const handle = values.handle.toLowerCase()
  if (!isValidHandle(handle)) throw new Error(`${handle} is not a valid handle`)
  const signing = await keyFrom('SIGNING_KEY')
  const rotation = await keyFrom('PLC_ROTATION_KEY')
  const recovery = values['recovery-key'] ? await Secp256k1Keypair.create({ exportable: true }) : null
  const plcUrl = values['plc-url'] ?? process.env.PLC_URL ?? DEFAULT_PLC_URL
  const { did, op } = await plc.createOp({
    signingKey: signing.key.did(),
    handle,
    pds: `https://${values.hostname}`,
    rotationKeys: [...(recovery ? [recovery.did()] : []), rotation.key.did()],
    signer: rotation.key,
  })
  await new RealOperator().submitPlcOperation(plcUrl, did, op)
  console.log(`DID=${did}`)
  if (signing.generated)
    console.log(`SIGNING_KEY=${await hex(signing.key)}   (a secret: wrangler secret put SIGNING_KEY)`)
  if (rotation.generated) {
    console.log(
      `PLC_ROTATION_KEY=${await hex(rotation.key)}   (a secret: wrangler secret put PLC_ROTATION_KEY)`,
    )
  }
  if (recovery) {
    console.log(`recovery key (${recovery.did()}): ${await hex(recovery)}`)
    console.log('  keep it offline; it is shown only now and is not stored anywhere')
  }
  return 0
}

process.exitCode = await main().catch((e) => {
  console.error(`create-did-plc: ${e instanceof Error ? e.message : String(e)}`)
  return 1
})
