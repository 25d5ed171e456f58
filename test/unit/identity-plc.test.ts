import { Secp256k1Keypair } from '@atproto/crypto'
import * as plc from '@did-plc/lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { identityPlcMethods } from '../../src/worker/routes/identity-plc'
import { type PlcDirectory, plcData, startPlcDirectory } from '../helpers/plc-directory'
import {
  APP_PASSWORD,
  didAtOldPds,
  handlerHarness,
  ownerSigningDidKey,
  PDS_ROTATION_KEY,
  PDS_URL,
  plcOwnerConfig,
} from '../helpers/plc-handler-context'
import { TEST_BINDINGS } from '../helpers/test-identity'

let directory: PlcDirectory
beforeAll(async () => {
  directory = await startPlcDirectory()
})
afterAll(() => directory.close())

const lastOp = async (did: string) =>
  (await (await fetch(`${directory.url}/${did}/log/last`)).json()) as plc.CompatibleOp

/** The old PDS signs an operation on top of the log with its rotation key, changed by `edit`. */
async function oldPdsSigns(
  did: string,
  rotation: Secp256k1Keypair,
  edit: (op: plc.UnsignedOperation) => Omit<plc.UnsignedOperation, 'prev'>,
): Promise<plc.Operation> {
  return plc.createUpdateOp(await lastOp(did), rotation as never, edit)
}

describe('com.atproto.identity.getRecommendedDidCredentials', () => {
  it('recommends our rotation key, the handle, our signing key and our endpoint', async () => {
    const { did } = await didAtOldPds(directory)
    const pds = handlerHarness(identityPlcMethods, plcOwnerConfig(directory, did))
    expect(await pds.call('com.atproto.identity.getRecommendedDidCredentials')).toEqual({
      rotationKeys: [(await Secp256k1Keypair.import(PDS_ROTATION_KEY)).did()],
      alsoKnownAs: [`at://${TEST_BINDINGS.HANDLE}`],
      verificationMethods: { atproto: await ownerSigningDidKey() },
      services: { atproto_pds: { type: 'AtprotoPersonalDataServer', endpoint: PDS_URL } },
    })
  })
})

describe('com.atproto.identity.submitPlcOperation', () => {
  it('posts an operation naming this PDS to the directory and announces #identity', async () => {
    const { did, rotation } = await didAtOldPds(directory)
    const pds = handlerHarness(identityPlcMethods, plcOwnerConfig(directory, did))
    const recommended = (await pds.call('com.atproto.identity.getRecommendedDidCredentials')) as {
      rotationKeys: string[]
    }
    const operation = await oldPdsSigns(did, rotation, (last) => ({
      ...last,
      ...(recommended as object),
      rotationKeys: [...recommended.rotationKeys, rotation.did()],
    }))
    await pds.call('com.atproto.identity.submitPlcOperation', { body: { operation } })
    const data = await plcData(directory, did)
    expect(data.services.atproto_pds?.endpoint).toBe(PDS_URL)
    expect(data.verificationMethods.atproto).toBe(await ownerSigningDidKey())
    expect(pds.calls).toEqual(['announceIdentity'])
  })

  it.each([
    [
      'another host',
      (op: plc.UnsignedOperation, ours: Record<string, unknown>) => ({
        ...op,
        ...ours,
        services: {
          atproto_pds: { type: 'AtprotoPersonalDataServer', endpoint: 'https://elsewhere.example' },
        },
      }),
      'Incorrect endpoint on atproto_pds service',
    ],
    [
      'another signing key',
      (op: plc.UnsignedOperation, ours: Record<string, unknown>) => ({
        ...op,
        ...ours,
        verificationMethods: { atproto: 'did:key:zQ3shXjHeiBuRCKmM36cuYnm7YEMzhGnCmCyW92sRJ9pribSF' },
      }),
      'Incorrect signing key',
    ],
    [
      'no rotation key of ours',
      (op: plc.UnsignedOperation, ours: Record<string, unknown>) => ({
        ...op,
        ...ours,
        rotationKeys: op.rotationKeys,
      }),
      "Rotation keys do not include server's rotation key",
    ],
    [
      'another handle',
      (op: plc.UnsignedOperation, ours: Record<string, unknown>) => ({
        ...op,
        ...ours,
        alsoKnownAs: ['at://mallory.example'],
      }),
      'Incorrect handle in alsoKnownAs',
    ],
  ])('refuses an operation with %s (400), posting nothing', async (_, edit, message) => {
    const { did, rotation } = await didAtOldPds(directory)
    const pds = handlerHarness(identityPlcMethods, plcOwnerConfig(directory, did))
    const ours = (await pds.call('com.atproto.identity.getRecommendedDidCredentials')) as Record<
      string,
      unknown
    >
    const before = await plcData(directory, did)
    const operation = await oldPdsSigns(did, rotation, (op) => edit(op, ours))
    await expect(
      pds.call('com.atproto.identity.submitPlcOperation', { body: { operation } }),
    ).rejects.toMatchObject({
      status: 400,
      error: 'InvalidRequest',
      message: expect.stringContaining(message),
    })
    expect(await plcData(directory, did)).toEqual(before)
    expect(pds.calls).toEqual([])
  })

  it("passes on the directory's refusal of an operation not signed by a rotation key (400)", async () => {
    const { did } = await didAtOldPds(directory)
    const pds = handlerHarness(identityPlcMethods, plcOwnerConfig(directory, did))
    const ours = (await pds.call('com.atproto.identity.getRecommendedDidCredentials')) as Record<
      string,
      unknown
    >
    const stranger = await Secp256k1Keypair.create()
    const operation = await oldPdsSigns(did, stranger, (op) => ({ ...op, ...ours }))
    await expect(
      pds.call('com.atproto.identity.submitPlcOperation', { body: { operation } }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('The PLC directory refused') })
    expect(pds.calls).toEqual([])
  })

  it('refuses a malformed operation and an app-password session', async () => {
    const { did, rotation } = await didAtOldPds(directory)
    const pds = handlerHarness(identityPlcMethods, plcOwnerConfig(directory, did))
    await expect(
      pds.call('com.atproto.identity.submitPlcOperation', { body: { operation: { type: 'plc_operation' } } }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('Invalid operation') })
    const ours = (await pds.call('com.atproto.identity.getRecommendedDidCredentials')) as Record<
      string,
      unknown
    >
    const operation = await oldPdsSigns(did, rotation, (op) => ({ ...op, ...ours }))
    await expect(
      pds.call('com.atproto.identity.submitPlcOperation', { body: { operation }, auth: APP_PASSWORD }),
    ).rejects.toMatchObject({ status: 400, error: 'InvalidToken' })
    expect(pds.calls).toEqual([])
  })
})
