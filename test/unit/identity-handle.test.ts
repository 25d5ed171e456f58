import { Secp256k1Keypair } from '@atproto/crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { DOH_URL } from '../../src/worker/identity/handle-resolution'
import { identityHandleMethods } from '../../src/worker/routes/identity-handle'
import { createPlcDid, type PlcDirectory, plcData, startPlcDirectory } from '../helpers/plc-directory'
import {
  APP_PASSWORD,
  handlerHarness,
  ownerSigningDidKey,
  PDS_ROTATION_KEY,
  PDS_URL,
  plcOwnerConfig,
} from '../helpers/plc-handler-context'

let directory: PlcDirectory
const txt = new Map<string, string>()
const realFetch = globalThis.fetch
beforeAll(async () => {
  directory = await startPlcDirectory()
  // DNS-over-HTTPS answers from `txt`; everything else (the PLC directory) goes through.
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    if (`${url.origin}${url.pathname}` !== DOH_URL) return realFetch(input, init)
    const name = url.searchParams.get('name') ?? ''
    const data = txt.get(name)
    return Response.json({ Status: 0, Answer: data ? [{ name, type: 16, data: `"${data}"` }] : [] })
  })
})
afterAll(async () => {
  vi.restoreAllMocks()
  await directory.close()
})

async function didHostedHere() {
  return createPlcDid(directory, {
    signingKey: await ownerSigningDidKey(),
    handle: `old-${crypto.randomUUID().slice(0, 8)}.example.com`,
    pds: PDS_URL,
    rotation: await Secp256k1Keypair.import(PDS_ROTATION_KEY),
  })
}

describe('com.atproto.identity.updateHandle (did:plc, real PLC directory)', () => {
  it('signs and submits a PLC operation with the new handle, then stores it in the repo actor', async () => {
    const { did } = await didHostedHere()
    txt.set('_atproto.new-handle.example.com', `did=${did}`)
    const stored: string[] = []
    const pds = handlerHarness(identityHandleMethods, plcOwnerConfig(directory, did), {
      repo: { setHandle: (handle: string) => void stored.push(handle) },
    })
    await pds.call('com.atproto.identity.updateHandle', { body: { handle: 'New-Handle.example.com' } })
    expect((await plcData(directory, did)).alsoKnownAs).toEqual(['at://new-handle.example.com'])
    expect(stored).toEqual(['new-handle.example.com'])
  })

  it('refuses a handle whose TXT record names another DID, changing nothing', async () => {
    const { did } = await didHostedHere()
    txt.set('_atproto.taken.example.com', 'did=did:plc:strangerxxxxxxxxxxxxxxxx')
    const before = await plcData(directory, did)
    const pds = handlerHarness(identityHandleMethods, plcOwnerConfig(directory, did))
    await expect(
      pds.call('com.atproto.identity.updateHandle', { body: { handle: 'taken.example.com' } }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('does not resolve to') })
    expect(await plcData(directory, did)).toEqual(before)
    expect(pds.calls).toEqual([])
  })

  it('refuses an app-password session', async () => {
    const { did } = await didHostedHere()
    txt.set('_atproto.app.example.com', `did=${did}`)
    const pds = handlerHarness(identityHandleMethods, plcOwnerConfig(directory, did))
    await expect(
      pds.call('com.atproto.identity.updateHandle', {
        body: { handle: 'app.example.com' },
        auth: APP_PASSWORD,
      }),
    ).rejects.toMatchObject({ status: 400, error: 'InvalidToken' })
    expect(pds.calls).toEqual([])
  })
})
