import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AtpAgent } from '@atproto/api'
import { Secp256k1Keypair } from '@atproto/crypto'
import { readCarWithRoot, verifyRepo } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { loggedInAgent } from './clients/pds-agent'
import { reportCheck } from './harness/check-log'
import { freePort } from './harness/free-port'
import { loopbackFetch } from './harness/loopback-fetch'
import { pds } from './harness/pds-context'
import { createPdsIdentity, type PdsIdentity } from './harness/pds-identity'
import { spawnPds } from './harness/pds-process'
import { stopGroup } from './harness/process-group'

const ROOT = new URL('../../', import.meta.url).pathname
const COLLECTION = 'com.example.moving'

async function exportCar(id: PdsIdentity): Promise<Uint8Array> {
  const res = await loopbackFetch(
    `${id.baseUrl}/xrpc/com.atproto.sync.getRepo?did=${encodeURIComponent(id.did)}`,
  )
  expect(res.status).toBe(200)
  return new Uint8Array(await res.arrayBuffer())
}

/** The repo's records as `collection/rkey → cid`, verified against `didKey`. */
async function verifiedRecords(car: Uint8Array, did: string, didKey: string): Promise<Map<string, string>> {
  const { root, blocks } = await readCarWithRoot(car)
  const verified = await verifyRepo(blocks, root, did, didKey)
  return new Map(verified.creates.map((c) => [`${c.collection}/${c.rkey}`, c.cid.toString()]))
}

/**
 * A second PDS for the source's DID, as a destination host is before the DID document
 * moves: its own host, port, key and state, the same DID.
 */
async function destinationFor(source: PdsIdentity, dir: string): Promise<PdsIdentity> {
  const own = await createPdsIdentity(dir, await freePort())
  const vars = readFileSync(own.envFile, 'utf8').replace(/^DID=.*$/m, `DID=${source.did}`)
  writeFileSync(own.envFile, vars, { mode: 0o600 })
  return { ...own, did: source.did }
}

describe('importRepo between two hosts', () => {
  it('moves the shared server repo into a new PDS, which serves it re-signed after activation', async () => {
    const source = pds()
    const sourceAgent = await loggedInAgent(source)
    for (let i = 0; i < 20; i++) {
      await sourceAgent.com.atproto.repo.createRecord({
        repo: source.did,
        collection: COLLECTION,
        record: { $type: COLLECTION, n: i },
      })
    }
    const sourceKey = (await Secp256k1Keypair.import(source.signingKeyHex)).did()
    const car = await exportCar(source)
    const expected = await verifiedRecords(car, source.did, sourceKey)

    const dir = mkdtempSync(join(tmpdir(), 'edge-pds-e2e-import-'))
    try {
      const dest = await destinationFor(source, dir)
      const pgid = await spawnPds(dest, {
        cwd: ROOT,
        log: join(dir, 'destination.log'),
        readyPath: '/xrpc/com.atproto.server.describeServer',
      })
      try {
        const agent = new AtpAgent({ service: dest.baseUrl, fetch: loopbackFetch })
        agent.setHeader('authorization', `Bearer ${dest.authToken}`)
        await agent.com.atproto.server.deactivateAccount({})
        const started = Date.now()
        await agent.com.atproto.repo.importRepo(car, { encoding: 'application/vnd.ipld.car' })
        const ms = Date.now() - started
        const status = (await agent.com.atproto.server.checkAccountStatus()).data
        expect(status).toMatchObject({ activated: false, indexedRecords: expected.size })
        // The DID document still names the source host.
        expect(status.validDid).toBe(false)

        await agent.com.atproto.server.activateAccount()
        const destKey = (await Secp256k1Keypair.import(dest.signingKeyHex)).did()
        const moved = await verifiedRecords(await exportCar(dest), dest.did, destKey)
        expect(moved).toEqual(expected)
        const listed = await agent.com.atproto.repo.listRecords({ repo: dest.did, collection: COLLECTION })
        expect(listed.data.records.length).toBe(20)
        reportCheck(
          'importRepo',
          `${expected.size} records (${car.byteLength} bytes) moved in ${ms} ms; getRepo verifies against the new key`,
        )
      } finally {
        await stopGroup(pgid)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
