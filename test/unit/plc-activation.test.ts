import { Secp256k1Keypair } from '@atproto/crypto'
import * as plc from '@did-plc/lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Config, parseConfig } from '../../src/shared/config'
import { XRPCError } from '../../src/shared/xrpc-error'
import { assertDidNamesThisPds } from '../../src/worker/did-validity'
import { createPlcDid, type PlcDirectory, postOp, startPlcDirectory } from '../helpers/plc-directory'
import { TEST_BINDINGS } from '../helpers/test-identity'

const HOST = 'localhost:2583'
const ROTATION_KEY = '1f3a6b0c9d2e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c'

let directory: PlcDirectory
beforeAll(async () => {
  directory = await startPlcDirectory()
})
afterAll(() => directory.close())

function configFor(did: string): Config {
  const parsed = parseConfig({
    ...TEST_BINDINGS,
    PDS_HOSTNAME: HOST,
    DID: did,
    PLC_URL: directory.url,
    PLC_ROTATION_KEY: ROTATION_KEY,
    PROXY_ALLOW_INSECURE: 'true',
  })
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.value
}

const signingDidKey = async () => (await Secp256k1Keypair.import(TEST_BINDINGS.SIGNING_KEY)).did()

describe('activateAccount refusal (assertDidNamesThisPds) against a real PLC directory', () => {
  it('refuses with a clear 400 while the did:plc names the old PDS, accepts once it names us', async () => {
    const { did, rotation } = await createPlcDid(directory, {
      signingKey: await signingDidKey(),
      handle: TEST_BINDINGS.HANDLE,
      pds: 'https://old-pds.example.com',
    })
    const config = configFor(did)
    const refusal = await assertDidNamesThisPds(config).catch((e: unknown) => e)
    expect(refusal).toBeInstanceOf(XRPCError)
    expect((refusal as XRPCError).status).toBe(400)
    expect((refusal as XRPCError).error).toBe('InvalidRequest')
    expect((refusal as XRPCError).message).toContain(`its #atproto_pds service must be http://${HOST}`)

    const last = (await (await fetch(`${directory.url}/${did}/log/last`)).json()) as plc.CompatibleOp
    await postOp(directory, did, await plc.updatePdsOp(last, rotation as never, `http://${HOST}`))
    await expect(assertDidNamesThisPds(config)).resolves.toBeUndefined()
  })

  it('refuses while the #atproto key is another key, even with our endpoint', async () => {
    const other = await Secp256k1Keypair.create()
    const { did } = await createPlcDid(directory, {
      signingKey: other.did(),
      handle: TEST_BINDINGS.HANDLE,
      pds: `http://${HOST}`,
    })
    await expect(assertDidNamesThisPds(configFor(did))).rejects.toMatchObject({ status: 400 })
  })

  it('refuses a DID the directory does not know', async () => {
    await expect(assertDidNamesThisPds(configFor('did:plc:aaaaaaaaaaaaaaaaaaaaaaaa'))).rejects.toMatchObject({
      status: 400,
    })
  })
})

describe('PLC_ROTATION_KEY', () => {
  const parse = (settings: Record<string, string | undefined>) =>
    parseConfig({ ...TEST_BINDINGS, ...settings })

  it('is optional for did:web', () => {
    const parsed = parse({ PLC_ROTATION_KEY: undefined })
    expect(parsed.ok && parsed.value.plc.rotationKeyHex).toBeNull()
  })

  it('is required for did:plc', () => {
    const parsed = parse({ DID: 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa' })
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.message).toContain('PLC_ROTATION_KEY is missing')
  })

  it.each(['abc', 'zz'.repeat(32), `${ROTATION_KEY}00`])('refuses %s, naming the setting', (raw) => {
    const parsed = parse({ PLC_ROTATION_KEY: raw })
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.message).toContain('PLC_ROTATION_KEY is invalid')
  })

  it('takes 64 hex characters, any case', () => {
    const parsed = parse({ PLC_ROTATION_KEY: ` ${ROTATION_KEY.toUpperCase()} ` })
    expect(parsed.ok && parsed.value.plc.rotationKeyHex).toBe(ROTATION_KEY)
  })
})
