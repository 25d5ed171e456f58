import { Secp256k1Keypair } from '@atproto/crypto'
import { blocksToCarFile, MemoryBlockstore, Repo, WriteOpAction } from '@atproto/repo'
import { Database, PlcServer } from '@did-plc/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CheckEnv, formatCheck, runChecks } from '../../tools/deploy/checks'
import { RealOperator } from '../../tools/setup/cloudflare'
import { planSetup, type SetupPlan } from '../../tools/setup/setup-plan'

const HOST = 'https://pds.example.com'
const HANDLE = 'alice.example.com'

/** A repo of one record signed by `keyHex`, as a CAR. */
async function carSignedBy(did: string, keyHex: string): Promise<Uint8Array> {
  const storage = new MemoryBlockstore()
  const key = await Secp256k1Keypair.import(keyHex)
  const record = { $type: 'com.example.note', text: 'hello' }
  const repo = await Repo.create(storage, did, key, [
    { action: WriteOpAction.Create, collection: 'com.example.note', rkey: 'self', record },
  ])
  return blocksToCarFile(repo.cid, storage.blocks)
}

/** The PDS as a relay reaches it, answered in memory; the PLC directory is the real one. */
function pdsFetch(did: string, car: Uint8Array): typeof fetch {
  const answer = (path: string): Response => {
    if (path.startsWith('/xrpc/com.atproto.server.describeServer'))
      return Response.json({ did: 'did:web:pds.example.com', availableUserDomains: [] })
    if (path.startsWith('/xrpc/com.atproto.sync.listRepos'))
      return Response.json({ repos: [{ did, active: true }] })
    if (path.startsWith('/xrpc/com.atproto.identity.resolveHandle')) return Response.json({ did })
    if (path.startsWith('/xrpc/com.atproto.sync.getRepo')) return new Response(car)
    return new Response('not found', { status: 404 })
  }
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input)
    if (url.origin === HOST) return answer(url.pathname + url.search)
    if (url.hostname === '127.0.0.1') return fetch(input, init)
    throw new Error(`no network in this test: ${url.origin}`)
  }) as typeof fetch
}

describe('deploy checks for a did:plc made by setup', () => {
  let server: PlcServer
  let plcUrl: string
  let plan: SetupPlan
  beforeAll(async () => {
    server = PlcServer.create({ db: Database.mock(), port: 0 })
    const addr = (await server.start()).address()
    if (addr === null || typeof addr === 'string') throw new Error('no port')
    plcUrl = `http://127.0.0.1:${addr.port}`
    plan = await planSetup({
      hostname: 'pds.example.com',
      handle: HANDLE,
      identity: 'plc',
      did: null,
      password: null,
      plcUrl,
    })
    await new RealOperator().submitPlcOperation(plcUrl, plan.did, plan.plcGenesis?.op)
  })
  afterAll(async () => {
    await server.destroy()
  })

  const env = (car: Uint8Array): CheckEnv => ({
    fetch: pdsFetch(plan.did, car),
    resolveTxt: async (name) => (name === `_atproto.${HANDLE}` ? [[`did=${plan.did}`]] : []),
    handleOrigin: (h) => `https://${h}`,
    plcUrl,
    relays: [],
  })

  it('pass: the PLC entry names the host and the key the repo is signed with; the handle resolves by DNS', async () => {
    const results = await runChecks(HOST, env(await carSignedBy(plan.did, plan.secrets.SIGNING_KEY)))
    expect(results.filter((r) => !r.ok).map(formatCheck)).toEqual([])
    expect(results.find((r) => r.name === 'DID document')?.detail).toBe(
      `names ${HOST} and key ${plan.signingDidKey}`,
    )
    expect(results.find((r) => r.name.startsWith('handle'))?.detail).toBe(
      `_atproto.${HANDLE} TXT did=${plan.did}`,
    )
  })

  it('fail: a repo signed by another key than the PLC entry names', async () => {
    const other = Buffer.from(await (await Secp256k1Keypair.create({ exportable: true })).export()).toString(
      'hex',
    )
    const results = await runChecks(HOST, env(await carSignedBy(plan.did, other)))
    const failed = results.filter((r) => !r.ok)
    expect(failed.map((r) => r.name)).toEqual(['getRepo verifies'])
    expect(failed[0]?.detail).toMatch(/signature/i)
  })
})
