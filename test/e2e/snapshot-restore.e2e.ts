import { execFile } from 'node:child_process'
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Secp256k1Keypair } from '@atproto/crypto'
import { readCarWithRoot, verifyRepo } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import type { StatusView } from '../../src/worker/status/gather'
import { restoreSnapshot } from '../../tools/backup/restore-snapshot'
import { loggedInAgent } from './clients/pds-agent'
import { reportCheck } from './harness/check-log'
import { freePort } from './harness/free-port'
import { loopbackFetch } from './harness/loopback-fetch'
import { createPdsIdentity, type PdsIdentity } from './harness/pds-identity'
import { spawnPds } from './harness/pds-process'
import { stopGroup } from './harness/process-group'

const ROOT = new URL('../../', import.meta.url).pathname
const WRANGLER = join(ROOT, 'node_modules', '.bin', 'wrangler')
const POST = 'app.bsky.feed.post'

/** The records of a repo CAR as `collection/rkey → cid`, verified against the owner's key. */
async function carRecords(id: PdsIdentity, car: Uint8Array): Promise<Map<string, string>> {
  const { root, blocks } = await readCarWithRoot(car)
  const key = (await Secp256k1Keypair.import(id.signingKeyHex)).did()
  const verified = await verifyRepo(blocks, root, id.did, key)
  return new Map(verified.creates.map((c) => [`${c.collection}/${c.rkey}`, c.cid.toString()]))
}

async function getRepo(id: PdsIdentity): Promise<Uint8Array> {
  const res = await loopbackFetch(
    `${id.baseUrl}/xrpc/com.atproto.sync.getRepo?did=${encodeURIComponent(id.did)}`,
  )
  expect(res.status).toBe(200)
  return new Uint8Array(await res.arrayBuffer())
}

/** The owner's status view until it lists a snapshot (the alarm writes it just after the actor opens). */
async function firstSnapshot(id: PdsIdentity): Promise<{ key: string; rev: string }> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const res = await loopbackFetch(`${id.baseUrl}/`, {
      headers: { accept: 'application/json', authorization: `Bearer ${id.authToken}` },
    })
    const view = (await res.json()) as StatusView
    const [newest] = view.backups.snapshots ?? []
    if (newest) return newest
    if (Date.now() > deadline) throw new Error(`no snapshot listed: ${JSON.stringify(view.backups)}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

describe('scheduled snapshots', () => {
  it('writes one into local R2 when switched on, fetched with wrangler r2 object get and restored with npm run restore --snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-pds-e2e-snapshot-'))
    const source = await createPdsIdentity(dir, await freePort())
    let pgid: number | null = null
    try {
      pgid = await spawnPds(source, { cwd: ROOT, log: join(dir, 'source.log') })
      const agent = await loggedInAgent(source)
      for (let i = 0; i < 3; i++)
        await agent.com.atproto.repo.createRecord({
          repo: source.did,
          collection: POST,
          record: { $type: POST, text: `snapshot ${i}`, createdAt: new Date().toISOString() },
        })
      const expected = await carRecords(source, await getRepo(source))
      await stopGroup(pgid)

      // Switched on: the restarted actor takes the first snapshot at once.
      appendFileSync(source.envFile, '\nBACKUP_EVERY_HOURS=24\nBACKUP_KEEP=3\n')
      pgid = await spawnPds(source, { cwd: ROOT, log: join(dir, 'source.log') })
      const snapshot = await firstSnapshot(source)
      const head = await getRepo(source)
      await stopGroup(pgid)
      pgid = null

      // The documented way to fetch it (here from the local state instead of --remote).
      const file = join(dir, 'snapshot.car')
      await promisify(execFile)(
        WRANGLER,
        [
          'r2',
          'object',
          'get',
          `edge-pds-blobs/${snapshot.key}`,
          '--file',
          file,
          '--local',
          '--persist-to',
          source.stateDir,
        ],
        { cwd: ROOT },
      )
      const bytes = new Uint8Array(readFileSync(file))
      expect(bytes).toEqual(head)
      expect(await carRecords(source, bytes)).toEqual(expected)

      const dest: PdsIdentity = { ...source, stateDir: join(dir, 'restored-state') }
      mkdirSync(dest.stateDir)
      pgid = await spawnPds(dest, { cwd: ROOT, log: join(dir, 'restored.log') })
      const restored = await restoreSnapshot({
        car: file,
        to: dest.baseUrl,
        credential: { password: dest.password },
        activate: true,
        fetch: loopbackFetch,
        progress: () => {},
      })
      expect(restored).toEqual({ did: source.did, rev: snapshot.rev, missingBlobs: 0 })
      expect(await carRecords(dest, await getRepo(dest))).toEqual(expected)
      reportCheck(
        'snapshot/restore',
        `${expected.size} records restored from the R2 snapshot ${snapshot.key}`,
      )
    } finally {
      if (pgid !== null) await stopGroup(pgid)
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
