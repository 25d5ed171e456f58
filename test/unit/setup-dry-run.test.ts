import { Secp256k1Keypair } from '@atproto/crypto'
import * as plc from '@did-plc/lib'
import { Database, PlcServer } from '@did-plc/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RealOperator, RecordingOperator } from '../../tools/setup/cloudflare'
import { deployConfig } from '../../tools/setup/deploy-config'
import { applySetup, setupSummary } from '../../tools/setup/run-setup'
import { planSetup, type SetupAnswers } from '../../tools/setup/setup-plan'

const PROJECT_DIR = new URL('../../', import.meta.url).pathname
const base = { hostname: 'pds.example.com', password: null, plcUrl: 'https://plc.directory' }

async function dryRun(answers: SetupAnswers) {
  const plan = await planSetup(answers)
  const op = new RecordingOperator()
  const config = await applySetup(plan, op, { projectDir: PROJECT_DIR, dryRun: true })
  return { plan, op, config }
}

const SECRET_CALLS = ['SIGNING_KEY', 'PLC_ROTATION_KEY', 'JWT_SECRET', 'PASSWORD'].map((name) => ({
  kind: 'secret',
  config: 'wrangler.deploy.toml',
  name,
}))
const BUCKET_CALL = { kind: 'bucket', config: 'wrangler.deploy.toml', bucket: 'edge-pds-blobs' }

describe('setup --dry-run', () => {
  it('did:web on the host: vars, four secrets on stdin, the bucket, no DNS when the handle is the host', async () => {
    const { plan, op, config } = await dryRun({
      ...base,
      handle: 'pds.example.com',
      identity: 'web',
      did: null,
    })
    expect(plan.did).toBe('did:web:pds.example.com')
    expect(op.calls).toMatchObject([...SECRET_CALLS, BUCKET_CALL])
    expect(op.calls).toHaveLength(5)
    expect(config).toContain('DID = "did:web:pds.example.com"')
    expect(config).toContain('HANDLE = "pds.example.com"')
    expect(config).toContain('routes = [{ pattern = "pds.example.com", custom_domain = true }]')
    expect(config).not.toContain('localhost:8787')
    expect(plan.dns).toEqual([])
    expect(plan.secrets.SIGNING_KEY).toMatch(/^[0-9a-f]{64}$/)
    expect(plan.secrets.PASSWORD.length).toBeGreaterThanOrEqual(24)
    const summary = setupSummary(plan).join('\n')
    expect(summary).toContain(plan.secrets.PASSWORD)
    expect(JSON.stringify(op.calls)).not.toContain(plan.secrets.SIGNING_KEY)
  })

  it('existing did:plc: no PLC call, the document update to make by hand, a TXT record for the handle', async () => {
    const did = 'did:plc:ewvi7nxzyoun6zhxrhs64oiz'
    const { plan, op, config } = await dryRun({
      ...base,
      handle: 'alice.example.com',
      identity: 'existing-plc',
      did,
      password: 'a given password, long enough',
    })
    expect(op.calls).toMatchObject([...SECRET_CALLS, BUCKET_CALL])
    expect(config).toContain(`DID = "${did}"`)
    expect(plan.dns).toEqual([`_atproto.alice.example.com  TXT  "did=${did}"`])
    expect(plan.manual.join('\n')).toContain(plan.signingDidKey)
    expect(plan.passwordGenerated).toBe(false)
    expect(setupSummary(plan).join('\n')).not.toContain('a given password')
  })

  it('refuses a did:plc to migrate without --did, and a port in the hostname', async () => {
    await expect(
      planSetup({ ...base, handle: 'a.example.com', identity: 'existing-plc', did: null }),
    ).rejects.toThrow(/needs --did/)
    await expect(
      planSetup({ ...base, hostname: 'localhost:8787', handle: 'a.example.com', identity: 'web', did: null }),
    ).rejects.toThrow(/public host name/)
  })

  describe('a new did:plc against a real PLC directory (in memory)', () => {
    let server: PlcServer
    let plcUrl: string
    beforeAll(async () => {
      server = PlcServer.create({ db: Database.mock(), port: 0 })
      const http = await server.start()
      const addr = http.address()
      if (addr === null || typeof addr === 'string') throw new Error('no port')
      plcUrl = `http://127.0.0.1:${addr.port}`
    })
    afterAll(async () => {
      await server.destroy()
    })

    it('records the genesis operation in a dry run; submitted, the directory serves the document', async () => {
      const { plan, op, config } = await dryRun({
        ...base,
        plcUrl,
        handle: 'alice.example.com',
        identity: 'plc',
        did: null,
      })
      expect(plan.did).toMatch(/^did:plc:[a-z2-7]{24}$/)
      expect(op.calls[0]).toMatchObject({ kind: 'plc', plcUrl, did: plan.did })
      expect(op.calls.slice(1)).toMatchObject([...SECRET_CALLS, BUCKET_CALL])
      expect(config).toContain(`PLC_URL = "${plcUrl}"`)
      expect(plan.dns).toEqual([`_atproto.alice.example.com  TXT  "did=${plan.did}"`])
      const rotation = await Secp256k1Keypair.import(plan.secrets.PLC_ROTATION_KEY)
      expect(rotation.did()).toBe(plan.rotationDidKey)

      // The same operation, really submitted: the directory accepts it and names host and key.
      await new RealOperator().submitPlcOperation(plcUrl, plan.did, plan.plcGenesis?.op)
      const data = await new plc.Client(plcUrl).getDocumentData(plan.did)
      expect(data.verificationMethods.atproto).toBe(plan.signingDidKey)
      expect(data.services.atproto_pds?.endpoint).toBe('https://pds.example.com')
      expect(data.alsoKnownAs).toEqual(['at://alice.example.com'])
      expect(data.rotationKeys).toEqual([plan.rotationDidKey])
    })
  })
})

describe('deployConfig', () => {
  it('replaces [vars], keeps the other tables and replaces a top-level route', () => {
    const base =
      'name = "x"\nroutes = ["old"]\n\n[vars]\nPDS_HOSTNAME = "localhost:8787"\n\n[[r2_buckets]]\nbucket_name = "b"\n'
    const out = deployConfig(base, { PDS_HOSTNAME: 'h.example', DID: 'did:web:h.example' }, 'h.example')
    expect(out).not.toContain('old')
    expect(out).not.toContain('localhost')
    expect(out).toContain('[vars]\nPDS_HOSTNAME = "h.example"\nDID = "did:web:h.example"\n')
    expect(out).toContain('[[r2_buckets]]\nbucket_name = "b"')
  })
})
