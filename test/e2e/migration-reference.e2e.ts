import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AtpAgent } from '@atproto/api'
import { Secp256k1Keypair } from '@atproto/crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readDevVars, writeDevVars } from '../../scripts/lib/dev-vars.mjs'
import { type PlcDirectory, plcData, startPlcDirectory } from '../helpers/plc-directory'
import { installReferencePds } from '../reference-pds/install.mjs'
import { reportCheck } from './harness/check-log'
import { freePort } from './harness/free-port'
import { type MigrateRun, runMigrate } from './harness/migrate-command'
import { createPdsIdentity, type PdsIdentity } from './harness/pds-identity'
import { spawnPds } from './harness/pds-process'
import { stopGroup } from './harness/process-group'
import { type ReferencePds, startReferencePds } from './harness/reference-pds'
import { AccountFollower } from './relay/account-follower'
import {
  type AccountSnapshot,
  fillAccount,
  IMAGE_POSTS,
  PREFERENCES,
  snapshotAccount,
} from './workload/migration-account'

const ROOT = new URL('../../', import.meta.url).pathname
const HANDLE = 'alice.test'
const REF_PASSWORD = 'reference-password-1'
/** Blobs copied before the first run is killed, to exercise the resume. */
const KILL_AFTER_BLOBS = 12

/** The DID document's current `#atproto` key and PDS endpoint, from the PLC directory. */
async function currentIdentity(directory: PlcDirectory, did: string) {
  const data = await plcData(directory, did)
  return { didKey: data.verificationMethods.atproto as string, pds: data.services.atproto_pds?.endpoint }
}

function expectSameAccount(got: AccountSnapshot, want: AccountSnapshot) {
  expect([...got.records].sort()).toEqual([...want.records].sort())
  expect([...got.blobs.keys()].sort()).toEqual([...want.blobs.keys()].sort())
  for (const [cid, bytes] of want.blobs)
    expect(Buffer.compare(got.blobs.get(cid) ?? Buffer.alloc(0), bytes)).toBe(0)
  expect(got.preferences).toEqual(want.preferences)
}

const blobCount = (line: string) => Number(/^blobs: (\d+)\/\d+$/.exec(line)?.[1] ?? -1)

describe('npm run migrate between the reference PDS and this one, with a real PLC directory', () => {
  let dir = ''
  let directory: PlcDirectory
  let ref: ReferencePds
  /** A second, fresh reference PDS the account moves out to: it has to createAccount. */
  let ref2: ReferencePds
  let ours: PdsIdentity
  let pgid: number | null = null
  let did = ''
  let follower: AccountFollower
  let atReference: AccountSnapshot

  beforeAll(async () => {
    installReferencePds((line) => console.log(`[e2e] ${line}`))
    dir = mkdtempSync(join(tmpdir(), 'edge-pds-e2e-migrate-'))
    directory = await startPlcDirectory()
    ref = await startReferencePds({
      port: await freePort(),
      plcUrl: directory.url,
      dir: join(dir, 'reference'),
    })

    ref2 = await startReferencePds({
      port: await freePort(),
      plcUrl: directory.url,
      dir: join(dir, 'reference-2'),
    })
    const alice = new AtpAgent({ service: ref.url })
    await alice.createAccount({ handle: HANDLE, email: 'alice@mail.test', password: REF_PASSWORD })
    did = alice.assertDid
    const written = await fillAccount(alice, [
      'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa',
      'did:plc:bbbbbbbbbbbbbbbbbbbbbbbb',
    ])
    atReference = await snapshotAccount(alice, did, (await currentIdentity(directory, did)).didKey)
    expect(atReference.records.size).toBe(written)
    expect(atReference.blobs.size).toBe(IMAGE_POSTS + 1)
    expect(atReference.preferences).toEqual(PREFERENCES)

    // This PDS, configured for the account moving in: its DID, a new signing key, a PLC rotation key.
    ours = await createPdsIdentity(dir, await freePort())
    const generated = readDevVars(ours.envFile)
    rmSync(ours.envFile)
    const rotation = await Secp256k1Keypair.create({ exportable: true })
    writeDevVars(ours.envFile, {
      ...generated,
      DID: did,
      HANDLE,
      PLC_URL: directory.url,
      PLC_ROTATION_KEY: Buffer.from(await rotation.export()).toString('hex'),
      PROXY_ALLOW_INSECURE: 'true',
    })
    ours = { ...ours, did, handle: HANDLE }
    pgid = await spawnPds(ours, { cwd: ROOT, log: join(dir, 'pds.log'), readyPath: '/xrpc/_health' })

    follower = new AccountFollower(did, [ref.url, ours.baseUrl, ref2.url], directory.url)
    follower.start()
    reportCheck(
      'migration setup',
      `reference PDS ${ref.url} holds ${did}: ${atReference.records.size} records, ${atReference.blobs.size} blobs`,
    )
  }, 600_000)

  afterAll(async () => {
    await follower?.stop()
    if (pgid !== null) await stopGroup(pgid)
    await ref?.stop()
    await ref2?.stop()
    await directory?.close()
    if (dir && !process.env.E2E_KEEP_DIR) rmSync(dir, { recursive: true, force: true })
  })

  it('moves in from the reference PDS, resuming after the first run is killed mid-copy', async () => {
    const args = ['--from', ref.url, '--account', did, '--to', ours.baseUrl]
    const env = { MIGRATE_OLD_PASSWORD: REF_PASSWORD, MIGRATE_NEW_PASSWORD: ours.password }
    const killed = await runMigrate({
      args,
      env,
      onLine: (line, control) => {
        if (blobCount(line) === KILL_AFTER_BLOBS) control.kill()
      },
    })
    expect(killed.signal, killed.stderr.join('\n')).toBe('SIGKILL')
    const neu = new AtpAgent({ service: ours.baseUrl })
    await neu.login({ identifier: did, password: ours.password })
    const half = (await neu.com.atproto.server.checkAccountStatus()).data
    expect(half).toMatchObject({ activated: false, validDid: false, expectedBlobs: atReference.blobs.size })
    expect(half.importedBlobs).toBeGreaterThanOrEqual(KILL_AFTER_BLOBS)
    expect(half.importedBlobs).toBeLessThan(atReference.blobs.size)

    const eventsBefore = follower.events.length
    let tokenAsked = false
    const resumed: MigrateRun = await runMigrate({
      args,
      env,
      onLine: (line, control) => {
        if (line.startsWith('PLC operation token')) {
          tokenAsked = true
          void ref.plcToken(did).then((token) => control.answer(token))
        }
      },
    })
    expect(resumed.code, resumed.stderr.join('\n')).toBe(0)
    expect(tokenAsked).toBe(true)
    expect(resumed.stderr).toContain(
      `repo: already imported (${atReference.records.size} records, rev ${half.repoRev})`,
    )
    const copied = resumed.stderr.find((l) => l.startsWith('blobs: ') && l.includes('copied'))
    expect(copied).toBe(
      `blobs: ${atReference.blobs.size - half.importedBlobs} copied, ${half.importedBlobs} already there`,
    )

    const identity = await currentIdentity(directory, did)
    expect(identity.pds).toBe(ours.baseUrl)
    const here = await snapshotAccount(neu, did, identity.didKey)
    expectSameAccount(here, atReference)
    const status = (await neu.com.atproto.server.checkAccountStatus()).data
    expect(status).toMatchObject({ activated: true, validDid: true, importedBlobs: atReference.blobs.size })

    // A relay following the account: the new host announces it, the old one lets go, and
    // new commits from the new host are taken.
    await neu.com.atproto.repo.createRecord({
      repo: did,
      collection: 'app.bsky.feed.post',
      record: { $type: 'app.bsky.feed.post', text: 'moved in', createdAt: new Date().toISOString() },
    })
    await waitFor(() =>
      follower.events.slice(eventsBefore).some((e) => e.host === ours.baseUrl && e.type === 'commit'),
    )
    const oursTypes = follower.typesFrom(ours.baseUrl, eventsBefore)
    expect(oursTypes).toEqual(expect.arrayContaining(['identity', 'account:active', 'sync', 'commit']))
    expect(oursTypes.lastIndexOf('sync')).toBeLessThan(oursTypes.lastIndexOf('commit'))
    // The old host's frame arrives on its own socket, in its own time.
    await waitFor(() => follower.typesFrom(ref.url, eventsBefore).includes('account:inactive'))
    const newCommit = follower.events
      .slice(eventsBefore)
      .find((e) => e.host === ours.baseUrl && e.type === 'commit')
    await waitFor(() => newCommit?.resolved === true)
    expect(newCommit?.fromCurrentHost).toBe(true)
    expect(follower.errors).toEqual([])
    reportCheck(
      'migrate in',
      `killed after ${half.importedBlobs} blobs, resumed: ${here.records.size} records (same CIDs), ${here.blobs.size} blobs (same bytes), preferences; PLC names ${ours.baseUrl}; relay saw ${oursTypes.join(', ')} from us`,
    )
  })

  it('moves out to a fresh reference PDS, which creates the account with our service JWT', async () => {
    const neu = new AtpAgent({ service: ours.baseUrl })
    await neu.login({ identifier: did, password: ours.password })
    const atOurs = await snapshotAccount(neu, did, (await currentIdentity(directory, did)).didKey)
    const eventsBefore = follower.events.length
    const run = await runMigrate({
      args: ['--from', ours.baseUrl, '--to', ref2.url, '--email', 'alice@mail.test'],
      env: { MIGRATE_OLD_PASSWORD: ours.password, MIGRATE_NEW_PASSWORD: REF_PASSWORD },
    })
    expect(run.code, run.stderr.join('\n')).toBe(0)
    expect(run.stderr).toContain('PLC token: read from the old edge-pds host')
    expect(run.stderr).toContain(
      `created the account at ${ref2.url} (${ref2.serviceDid}), deactivated until the move completes`,
    )

    const identity = await currentIdentity(directory, did)
    expect(identity.pds).toBe(ref2.url)
    const back = new AtpAgent({ service: ref2.url })
    await back.login({ identifier: did, password: REF_PASSWORD })
    expect((await neu.com.atproto.server.checkAccountStatus()).data.activated).toBe(false)

    // @NOTE The reference's importRepo keeps the imported commit (signed with our key) as its
    // head until its next write, so the first commit it signs itself is written before the
    // repo is verified against the key the DID document names.
    const posted = await back.com.atproto.repo.createRecord({
      repo: did,
      collection: 'app.bsky.feed.post',
      record: { $type: 'app.bsky.feed.post', text: 'back home', createdAt: new Date().toISOString() },
    })
    const there = await snapshotAccount(back, did, identity.didKey)
    atOurs.records.set(posted.data.uri.split('/').slice(-2).join('/'), posted.data.cid)
    expectSameAccount(there, atOurs)
    await waitFor(() =>
      follower.events.slice(eventsBefore).some((e) => e.host === ref2.url && e.type === 'commit'),
    )
    const refTypes = follower.typesFrom(ref2.url, eventsBefore)
    expect(refTypes).toEqual(expect.arrayContaining(['account:active', 'identity', 'sync', 'commit']))
    expect(refTypes.lastIndexOf('sync')).toBeLessThan(refTypes.lastIndexOf('commit'))
    await waitFor(() => follower.typesFrom(ours.baseUrl, eventsBefore).includes('account:inactive'))
    const newCommit = follower.events
      .slice(eventsBefore)
      .find((e) => e.host === ref2.url && e.type === 'commit')
    await waitFor(() => newCommit?.resolved === true)
    expect(newCommit?.fromCurrentHost).toBe(true)
    expect(follower.errors).toEqual([])
    reportCheck(
      'migrate out',
      `${there.records.size} records, ${there.blobs.size} blobs, preferences at the new reference PDS (created with our getServiceAuth JWT); PLC names it; relay saw ${refTypes.join(', ')} from it`,
    )
  })
})

async function waitFor(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the relay')
    await new Promise((r) => setTimeout(r, 100))
  }
}
