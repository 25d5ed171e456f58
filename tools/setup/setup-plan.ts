import { randomBytes } from 'node:crypto'
import { Secp256k1Keypair } from '@atproto/crypto'
import { ensureValidDid, ensureValidHandle } from '@atproto/syntax'
import * as plc from '@did-plc/lib'

/** How the owner's DID comes about. */
export type IdentityKind = 'web' | 'plc' | 'existing-plc'

/** What the operator tells `npm run setup`. */
export type SetupAnswers = {
  hostname: string
  handle: string
  identity: IdentityKind
  /** Only for `existing-plc`: the DID moving in. */
  did: string | null
  /** Null: a strong one is generated and shown once. */
  password: string | null
  plcUrl: string
}

/** Everything setup will write, store and print; computing it touches nothing. */
export type SetupPlan = {
  did: string
  /** wrangler.deploy.toml `[vars]`. */
  vars: Record<string, string>
  /** `wrangler secret put` each. */
  secrets: Record<'SIGNING_KEY' | 'PLC_ROTATION_KEY' | 'JWT_SECRET' | 'PASSWORD', string>
  passwordGenerated: boolean
  /** The did:plc genesis operation to submit, for `plc`. */
  plcGenesis: { did: string; op: unknown } | null
  /** DNS records to set, one line each; empty when none is needed. */
  dns: string[]
  /** What the operator must still do by hand (the existing PLC document's update). */
  manual: string[]
  signingDidKey: string
  rotationDidKey: string
}

export const DEFAULT_PLC_URL = 'https://plc.directory'
const HOSTNAME_RE = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/

/** A setup answer that cannot work; the CLI prints it and exits 2. */
export class SetupInputError extends Error {
  override name = 'SetupInputError'
}

/** `did:web` for a public hostname (no port: deployments are on 443). */
export const didWebFor = (hostname: string): string => `did:web:${hostname}`

const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64url')

async function newKey(): Promise<{ hex: string; didKey: string; keypair: Secp256k1Keypair }> {
  const keypair = await Secp256k1Keypair.create({ exportable: true })
  return { hex: Buffer.from(await keypair.export()).toString('hex'), didKey: keypair.did(), keypair }
}

/** Checks the answers the same way the Worker's config parser will. */
export function validateAnswers(a: SetupAnswers): void {
  if (!HOSTNAME_RE.test(a.hostname)) throw new SetupInputError(`not a public host name: ${a.hostname}`)
  try {
    ensureValidHandle(a.handle)
  } catch {
    throw new SetupInputError(`not a valid handle: ${a.handle}`)
  }
  if (a.identity === 'existing-plc') {
    if (!a.did?.startsWith('did:plc:'))
      throw new SetupInputError('--identity existing-plc needs --did did:plc:…')
    try {
      ensureValidDid(a.did)
    } catch {
      throw new SetupInputError(`not a valid DID: ${a.did}`)
    }
  } else if (a.did) {
    throw new SetupInputError(`--did is only for --identity existing-plc (got ${a.identity})`)
  }
  if (a.password !== null && a.password.length < 12)
    throw new SetupInputError('the password must be at least 12 characters long')
}

/** Computes keys, secrets, vars, the PLC genesis and the DNS lines for `a`. */
export async function planSetup(a: SetupAnswers): Promise<SetupPlan> {
  validateAnswers(a)
  const handle = a.handle.toLowerCase()
  const signing = await newKey()
  const rotation = await newKey()
  const endpoint = `https://${a.hostname}`
  let did: string
  let plcGenesis: SetupPlan['plcGenesis'] = null
  const manual: string[] = []
  if (a.identity === 'web') {
    did = didWebFor(a.hostname)
  } else if (a.identity === 'plc') {
    const created = await plc.createOp({
      signingKey: signing.didKey,
      handle,
      pds: endpoint,
      rotationKeys: [rotation.didKey],
      signer: rotation.keypair,
    })
    did = created.did
    plcGenesis = { did, op: created.op }
  } else {
    did = a.did as string
    manual.push(
      `Update ${did} from its current PDS (com.atproto.identity.requestPlcOperationSignature, then signPlcOperation):`,
      `  verificationMethods.atproto = ${signing.didKey}`,
      `  services.atproto_pds = { type: AtprotoPersonalDataServer, endpoint: ${endpoint} }`,
      `  rotationKeys: add ${rotation.didKey}`,
      'then back up the old PDS (npm run backup) and restore it here (npm run restore) while deactivated.',
    )
  }
  const vars: Record<string, string> = { PDS_HOSTNAME: a.hostname, DID: did, HANDLE: handle }
  if (a.plcUrl !== DEFAULT_PLC_URL) vars.PLC_URL = a.plcUrl
  const dns = handle === a.hostname ? [] : [`_atproto.${handle}  TXT  "did=${did}"`]
  return {
    did,
    vars,
    secrets: {
      SIGNING_KEY: signing.hex,
      PLC_ROTATION_KEY: rotation.hex,
      JWT_SECRET: randomToken(48),
      PASSWORD: a.password ?? randomToken(24),
    },
    passwordGenerated: a.password === null,
    plcGenesis,
    dns,
    manual,
    signingDidKey: signing.didKey,
    rotationDidKey: rotation.didKey,
  }
}
