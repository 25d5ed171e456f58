import { Secp256k1Keypair } from '@atproto/crypto'
import type * as plc from '@did-plc/lib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlcToken } from '../../src/actors/account'
import { err, ok } from '../../src/shared/result'
import { identitySignMethods, PLC_TOKEN_NSID } from '../../src/worker/routes/identity-sign'
import { createPlcDid, type PlcDirectory, plcData, postOp, startPlcDirectory } from '../helpers/plc-directory'
import {
  APP_PASSWORD,
  handlerHarness,
  ownerSigningDidKey,
  PDS_ROTATION_KEY,
  PDS_URL,
  plcOwnerConfig,
} from '../helpers/plc-handler-context'

let directory: PlcDirectory
beforeAll(async () => {
  directory = await startPlcDirectory()
})
afterAll(() => directory.close())

/** The account actor's token calls, in memory: one pending token, used once. */
function tokenAccount(expired = false) {
  let pending: PlcToken | null = null
  return {
    issuePlcToken: () => {
      pending = { token: `T${crypto.randomUUID().slice(0, 4)}-TOKEN`, expiresAt: Date.now() + 60_000 }
      return pending
    },
    pendingPlcToken: () => pending,
    usePlcToken: (token: string) => {
      if (pending?.token !== token) return err('InvalidToken', 'Token is invalid')
      pending = null
      return expired ? err('ExpiredToken', 'Token is expired') : ok(undefined)
    },
  }
}

/**
 * A did:plc hosted here: our rotation key controls it. The handle differs each time, or
 * the (deterministically signed) genesis operation would name the same DID again.
 */
async function didHostedHere() {
  return createPlcDid(directory, {
    signingKey: await ownerSigningDidKey(),
    handle: `alice-${crypto.randomUUID().slice(0, 8)}.pds.test`,
    pds: PDS_URL,
    rotation: await Secp256k1Keypair.import(PDS_ROTATION_KEY),
  })
}

const NEW_PDS = {
  services: { atproto_pds: { type: 'AtprotoPersonalDataServer', endpoint: 'https://new-pds.example.com' } },
}

describe('moving out: requestPlcOperationSignature, the token, signPlcOperation', () => {
  it('signs the requested changes on top of the log; the directory accepts the operation', async () => {
    const { did } = await didHostedHere()
    const before = await plcData(directory, did)
    const newKey = (await Secp256k1Keypair.create()).did()
    const pds = handlerHarness(identitySignMethods, plcOwnerConfig(directory, did), {
      account: tokenAccount(),
    })
    await pds.call('com.atproto.identity.requestPlcOperationSignature')
    const { token } = (await pds.call(PLC_TOKEN_NSID)) as { token: string }
    const { operation } = (await pds.call('com.atproto.identity.signPlcOperation', {
      body: { token, ...NEW_PDS, verificationMethods: { atproto: newKey } },
    })) as { operation: plc.Operation }
    await postOp(directory, did, operation)
    const data = await plcData(directory, did)
    expect(data.services.atproto_pds?.endpoint).toBe('https://new-pds.example.com')
    expect(data.verificationMethods.atproto).toBe(newKey)
    expect(data.alsoKnownAs).toEqual(before.alsoKnownAs)
    expect(data.rotationKeys).toEqual([(await Secp256k1Keypair.import(PDS_ROTATION_KEY)).did()])

    // Single use: the same token again is refused.
    await expect(
      pds.call('com.atproto.identity.signPlcOperation', { body: { token, ...NEW_PDS } }),
    ).rejects.toMatchObject({ status: 400, error: 'InvalidToken' })
  })

  it.each([
    ['a wrong token', false, 'WRONG-TOKEN', 'InvalidToken'],
    ['an expired token', true, null, 'ExpiredToken'],
  ])('refuses %s with 400', async (_, expired, wrong, error) => {
    const { did } = await didHostedHere()
    const pds = handlerHarness(identitySignMethods, plcOwnerConfig(directory, did), {
      account: tokenAccount(expired),
    })
    await pds.call('com.atproto.identity.requestPlcOperationSignature')
    const { token } = (await pds.call(PLC_TOKEN_NSID)) as { token: string }
    await expect(
      pds.call('com.atproto.identity.signPlcOperation', { body: { token: wrong ?? token, ...NEW_PDS } }),
    ).rejects.toMatchObject({ status: 400, error })
  })

  it('keeps the token when the directory is unreachable (502)', async () => {
    const { did } = await didHostedHere()
    const account = tokenAccount()
    const unreachable = { url: 'http://127.0.0.1:1', close: async () => {} }
    const down = handlerHarness(identitySignMethods, plcOwnerConfig(unreachable, did), { account })
    await down.call('com.atproto.identity.requestPlcOperationSignature')
    const { token } = (await down.call(PLC_TOKEN_NSID)) as { token: string }
    await expect(
      down.call('com.atproto.identity.signPlcOperation', { body: { token, ...NEW_PDS } }),
    ).rejects.toMatchObject({ status: 502, error: 'UpstreamFailure' })
    const up = handlerHarness(identitySignMethods, plcOwnerConfig(directory, did), { account })
    const signed = (await up.call('com.atproto.identity.signPlcOperation', {
      body: { token, ...NEW_PDS },
    })) as {
      operation: unknown
    }
    await postOp(directory, did, signed.operation)
  })

  it('refuses a missing token and malformed changes', async () => {
    const { did } = await didHostedHere()
    const pds = handlerHarness(identitySignMethods, plcOwnerConfig(directory, did), {
      account: tokenAccount(),
    })
    await expect(pds.call('com.atproto.identity.signPlcOperation', { body: NEW_PDS })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('token is required'),
    })
    await expect(
      pds.call('com.atproto.identity.signPlcOperation', { body: { token: 'x', rotationKeys: 'did:key:z' } }),
    ).rejects.toMatchObject({ status: 400, message: expect.stringContaining('rotationKeys') })
  })

  it.each([
    'com.atproto.identity.requestPlcOperationSignature',
    PLC_TOKEN_NSID,
    'com.atproto.identity.signPlcOperation',
  ])('%s refuses an app-password session', async (nsid) => {
    const { did } = await didHostedHere()
    const pds = handlerHarness(identitySignMethods, plcOwnerConfig(directory, did), {
      account: tokenAccount(),
    })
    await expect(pds.call(nsid, { body: { token: 'x' }, auth: APP_PASSWORD })).rejects.toMatchObject({
      status: 400,
      error: 'InvalidToken',
      message: 'Bad token scope',
    })
    expect(pds.calls).toEqual([])
  })
})
