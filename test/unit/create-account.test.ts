import { Secp256k1Keypair } from '@atproto/crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { XRPCError } from '../../src/shared/xrpc-error'
import { b64urlEncode, signingInputFor } from '../../src/worker/auth/jwt'
import { verifyAccessToken } from '../../src/worker/auth/session-tokens'
import { createAccountMethods } from '../../src/worker/routes/create-account'
import { createPlcDid, type PlcDirectory, startPlcDirectory } from '../helpers/plc-directory'
import { handlerHarness, ownerSigningDidKey, plcOwnerConfig } from '../helpers/plc-handler-context'
import { TEST_BINDINGS } from '../helpers/test-identity'

const LXM = 'com.atproto.server.createAccount'

let directory: PlcDirectory
beforeAll(async () => {
  directory = await startPlcDirectory()
})
afterAll(() => directory.close())

/** A service JWT as the previous PDS issues it with getServiceAuth. */
async function serviceJwt(key: Secp256k1Keypair, claims: Record<string, unknown>): Promise<string> {
  const iat = Math.floor(Date.now() / 1000)
  const input = signingInputFor(
    { typ: 'JWT', alg: 'ES256K' },
    { iat, exp: iat + 60, jti: crypto.randomUUID(), lxm: LXM, ...claims },
  )
  return `${input}.${b64urlEncode(await key.sign(new TextEncoder().encode(input)))}`
}

/** A did:plc whose document still names the old PDS and `key`, and a harness for this PDS. */
async function movingIn(opts: { active?: boolean; key?: Secp256k1Keypair } = {}) {
  const key = opts.key ?? (await Secp256k1Keypair.create())
  const { did } = await createPlcDid(directory, {
    signingKey: key.did(),
    handle: TEST_BINDINGS.HANDLE,
    pds: 'https://old-pds.example.com',
  })
  const config = plcOwnerConfig(directory, did)
  const pds = handlerHarness(createAccountMethods, config, {
    repo: {
      status: () => ({ did, head: 'h', rev: 'r', active: opts.active ?? false, status: 'deactivated' }),
    },
    account: {
      beginLogin: () => ({ ok: true, value: { ticket: { key: 't' }, appPasswords: null } }),
      completeLogin: () => ({
        id: 'rt1',
        expiresAt: Date.now() + 3_600_000,
        generation: 1,
        appPassword: null,
      }),
    },
  })
  const create = (token: string | null, body: unknown = { did, handle: TEST_BINDINGS.HANDLE }) =>
    pds.call(LXM, { body, headers: token ? { authorization: `Bearer ${token}` } : {} })
  return { did, key, config, pds, create }
}

async function refusal(p: Promise<unknown>): Promise<XRPCError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  if (!(e instanceof XRPCError)) throw new Error(`expected an XRPC error, got ${String(e)}`)
  return e
}

describe('com.atproto.server.createAccount for an account moving in', () => {
  it('opens a full-access session for the configured DID with a JWT signed by the key its DID document names', async () => {
    const m = await movingIn()
    const out = (await m.create(await serviceJwt(m.key, { iss: m.did, aud: m.config.serviceDid }))) as {
      accessJwt: string
      did: string
      active: boolean
    }
    expect(out.did).toBe(m.did)
    expect(out.active).toBe(false)
    const claims = await verifyAccessToken(out.accessJwt, m.config, Date.now())
    expect(claims.scope).toBe('com.atproto.access')
    expect(m.pds.calls).toEqual(expect.arrayContaining(['beginLogin', 'completeLogin']))
  })

  it('refuses a JWT signed by another key, for another method or audience, or none', async () => {
    const m = await movingIn()
    const other = await Secp256k1Keypair.create()
    const claims = { iss: m.did, aud: m.config.serviceDid }
    expect((await refusal(m.create(await serviceJwt(other, claims)))).error).toBe('BadJwtSignature')
    const wrongLxm = await serviceJwt(m.key, { ...claims, lxm: 'com.atproto.repo.createRecord' })
    expect((await refusal(m.create(wrongLxm))).error).toBe('BadJwtLexiconMethod')
    const wrongAud = await serviceJwt(m.key, { ...claims, aud: 'did:web:elsewhere.example' })
    expect((await refusal(m.create(wrongAud))).error).toBe('BadJwtAudience')
    expect((await refusal(m.create(null))).status).toBe(401)
    expect(m.pds.calls).not.toContain('completeLogin')
  })

  it('refuses sign-ups, other DIDs and an account already active here', async () => {
    const m = await movingIn()
    const jwt = await serviceJwt(m.key, { iss: m.did, aud: m.config.serviceDid })
    expect((await refusal(m.create(jwt, { handle: 'x.test' }))).message).toContain('no sign-ups')
    expect((await refusal(m.create(jwt, { did: 'did:plc:someoneelse' }))).message).toContain('hosts only')
    const active = await movingIn({ active: true })
    const activeJwt = await serviceJwt(active.key, { iss: active.did, aud: active.config.serviceDid })
    expect((await refusal(active.create(activeJwt))).message).toContain('already active')
  })

  it('refuses a JWT signed with this PDS’s own key (an app password could mint one here)', async () => {
    const ours = await Secp256k1Keypair.import(TEST_BINDINGS.SIGNING_KEY)
    expect(ours.did()).toBe(await ownerSigningDidKey())
    const m = await movingIn({ key: ours })
    const jwt = await serviceJwt(ours, { iss: m.did, aud: m.config.serviceDid })
    const e = await refusal(m.create(jwt))
    expect(e.status).toBe(400)
    expect(e.message).toContain('already names this PDS')
  })
})
