import { Secp256k1Keypair } from '@atproto/crypto'
import { describe, expect, it } from 'vitest'
import { scratchRepoStub } from './helpers/actors'
import { BASE_URL, OWNER, xrpc } from './helpers/client'
import { withOpenedRepo } from './helpers/opened-repo'
import { expectXrpcError } from './helpers/xrpc-expect'

describe('identity methods of a did:web owner', () => {
  it('recommends our key, handle and endpoint, and no rotation key without PLC_ROTATION_KEY', async () => {
    const res = await xrpc('com.atproto.identity.getRecommendedDidCredentials')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      rotationKeys: [],
      alsoKnownAs: [`at://${OWNER.handle}`],
      verificationMethods: { atproto: (await Secp256k1Keypair.import(OWNER.signingKeyHex)).did() },
      services: { atproto_pds: { type: 'AtprotoPersonalDataServer', endpoint: BASE_URL } },
    })
  })

  it('refuses submitPlcOperation: a did:web has no PLC log', async () => {
    const res = await xrpc('com.atproto.identity.submitPlcOperation', { body: { operation: {} } })
    const body = await expectXrpcError(res, 400, 'InvalidRequest')
    expect(body.message).toContain('is not a did:plc')
  })

  it('announceIdentity appends one #identity with the DID and handle', async () => {
    const stub = scratchRepoStub('announce-identity')
    const before = await withOpenedRepo(stub, (r) => r.outbox.read(0, 1000))
    await stub.announceIdentity()
    const after = await withOpenedRepo(stub, (r) => r.outbox.read(before.at(-1)?.id ?? 0, 1000))
    expect(after.map((e) => e.type)).toEqual(['#identity'])
  })
})
