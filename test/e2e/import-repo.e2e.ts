import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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

/** Deactivates `id`'s account and imports `car` into it, as the owner. */
async function importInto(id: PdsIdentity, car: Uint8Array): Promise<AtpAgent> {
  const agent = new AtpAgent({ service: id.baseUrl, fetch: loopbackFetch })
  agent.setHeader('authorization', `Bearer ${id.authToken}`)
  await agent.com.atproto.server.deactivateAccount({})
  await agent.com.atproto.repo.importRepo(car, { encoding: 'application/vnd.ipld.car' })
  return agent
}

describe('importRepo', () => {
  it('takes a repo from another host, and refuses to activate while the DID document names that host', async () => {
    const source = pds()
    const sourceAgent = await loggedInAgent(source)
    for (let i = 0; i < 5; i++) {
      await sourceAgent.com.atproto.repo.createRecord({
        repo: source.did,
        collection: COLLECTION,
        record: { n: i },
      })
    }
    const car = await exportCar(source)
    const dir = mkdtempSync(join(tmpdir(), 'edge-pds-e2e-import-'))
    try {
      const dest = await destinationFor(source, dir)
      const readyPath = '/xrpc/com.atproto.server.describeServer'
      const pgid = await spawnPds(dest, { cwd: ROOT, log: join(dir, 'destination.log'), readyPath })
      try {
        const agent = await importInto(dest, car)
        const status = (await agent.com.atproto.server.checkAccountStatus()).data
        expect(status).toMatchObject({ activated: false, validDid: false })
        expect(status.indexedRecords).toBeGreaterThanOrEqual(5)
        await expect(agent.com.atproto.server.activateAccount()).rejects.toThrow(/does not name this PDS/)
      } finally {
        await stopGroup(pgid)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('restores an exported repo into the same deployment with empty state, re-signed, after activation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-pds-e2e-import-same-'))
    try {
      const source = await createPdsIdentity(dir, await freePort())
      const first = await spawnPds(source, { cwd: ROOT, log: join(dir, 'source.log') })
      let car: Uint8Array
      let expected: Map<string, string>
      try {
        const sourceAgent = await loggedInAgent(source)
        for (let i = 0; i < 20; i++) {
          await sourceAgent.com.atproto.repo.createRecord({
            repo: source.did,
            collection: COLLECTION,
            record: { n: i },
          })
        }
        const key = (await Secp256k1Keypair.import(source.signingKeyHex)).did()
        car = await exportCar(source)
        expected = await verifiedRecords(car, source.did, key)
      } finally {
        await stopGroup(first)
      }
      // The same host, DID and key over an empty state folder.
      const stateDir = join(dir, 'empty-state')
      mkdirSync(stateDir)
      const dest = { ...source, stateDir }
      const pgid = await spawnPds(dest, { cwd: ROOT, log: join(dir, 'destination.log') })
      try {
        const started = Date.now()
        const agent = await importInto(dest, car)
        const ms = Date.now() - started
        const status = (await agent.com.atproto.server.checkAccountStatus()).data
        expect(status).toMatchObject({ activated: false, validDid: true, indexedRecords: expected.size })
        await agent.com.atproto.server.activateAccount()
        const key = (await Secp256k1Keypair.import(dest.signingKeyHex)).did()
        expect(await verifiedRecords(await exportCar(dest), dest.did, key)).toEqual(expected)
        const listed = await agent.com.atproto.repo.listRecords({ repo: dest.did, collection: COLLECTION })
        expect(listed.data.records.length).toBe(20)
        reportCheck(
          'importRepo',
          `${expected.size} records (${car.byteLength} bytes) imported in ${ms} ms; getRepo verifies`,
        )
      } finally {
        await stopGroup(pgid)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
