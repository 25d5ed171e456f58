import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Secp256k1Keypair } from '@atproto/crypto'
import * as plc from '@did-plc/lib'
import { describe, expect, it } from 'vitest'
import { readDevVars, writeDevVars } from '../../scripts/lib/dev-vars.mjs'
import { createPlcDid, plcData, postOp, startPlcDirectory } from '../helpers/plc-directory'
import { reportCheck } from './harness/check-log'
import { freePort } from './harness/free-port'
import { createPdsIdentity } from './harness/pds-identity'
import { spawnPds } from './harness/pds-process'
import { stopGroup } from './harness/process-group'

const ROOT = new URL('../../', import.meta.url).pathname
const run = promisify(execFile)

describe('a did:plc moving in and out, against a real PLC directory', () => {
  it('refuses activation until the PLC operation names this PDS, then signs the way out with a token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-pds-e2e-plc-'))
    const directory = await startPlcDirectory()
    let pgid: number | null = null
    try {
      const id = await createPdsIdentity(dir, await freePort())
      const oldPdsKey = await Secp256k1Keypair.create()
      const { did, rotation: oldRotation } = await createPlcDid(directory, {
        signingKey: oldPdsKey.did(),
        handle: id.handle,
        pds: 'https://old-pds.example.com',
      })
      const rotationKeyHex = Buffer.from(
        await (await Secp256k1Keypair.create({ exportable: true })).export(),
      ).toString('hex')
      const generated = readDevVars(id.envFile)
      rmSync(id.envFile)
      writeDevVars(id.envFile, {
        ...generated,
        DID: did,
        PLC_URL: directory.url,
        PLC_ROTATION_KEY: rotationKeyHex,
        PROXY_ALLOW_INSECURE: 'true',
      })
      pgid = await spawnPds(
        { ...id, did },
        { cwd: ROOT, log: join(dir, 'pds.log'), readyPath: '/xrpc/_health' },
      )
      const call = async (nsid: string, body?: unknown, token = id.authToken) => {
        const res = await fetch(`${id.baseUrl}/xrpc/${nsid}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        const text = await res.text()
        return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : null }
      }

      // Moving in: deactivated, and activation refused while PLC names the old PDS.
      expect((await call('com.atproto.server.deactivateAccount', {})).status).toBe(200)
      const refused = await call('com.atproto.server.activateAccount', {})
      expect(refused.status).toBe(400)
      expect(String(refused.json?.message)).toContain('does not name this PDS')

      const recommended = (await call('com.atproto.identity.getRecommendedDidCredentials')).json as Omit<
        plc.UnsignedOperation,
        'type' | 'prev'
      >
      const last = (await (await fetch(`${directory.url}/${did}/log/last`)).json()) as plc.CompatibleOp
      const operation = await plc.createUpdateOp(last, oldRotation as never, (op) => ({
        ...op,
        ...recommended,
      }))
      expect((await call('com.atproto.identity.submitPlcOperation', { operation })).status).toBe(200)
      expect((await call('com.atproto.server.checkAccountStatus')).json?.validDid).toBe(true)
      expect((await call('com.atproto.server.activateAccount', {})).status).toBe(200)

      // Moving out: the token from `npm run plc-token`, then signPlcOperation for the new host.
      const { stdout } = await run(process.execPath, ['scripts/plc-token.mjs', '--url', id.baseUrl], {
        cwd: ROOT,
        env: { ...process.env, PDS_PASSWORD: id.password },
      })
      const token = stdout.trim()
      expect(token).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/)
      const wrong = await call('com.atproto.identity.signPlcOperation', { token: 'WRONG-TOKEN' })
      expect(wrong).toMatchObject({ status: 400, json: { error: 'InvalidToken' } })
      const newPds = {
        atproto_pds: { type: 'AtprotoPersonalDataServer', endpoint: 'https://new-pds.example.com' },
      }
      const signed = await call('com.atproto.identity.signPlcOperation', { token, services: newPds })
      expect(signed.status).toBe(200)
      await postOp(directory, did, signed.json?.operation)
      expect((await plcData(directory, did)).services).toEqual(newPds)
      reportCheck(
        'plc migration',
        'activation refused then allowed after submitPlcOperation; plc-token + signPlcOperation accepted by @did-plc/server',
      )
    } finally {
      if (pgid !== null) await stopGroup(pgid)
      await directory.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
