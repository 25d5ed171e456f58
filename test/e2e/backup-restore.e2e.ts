import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AtpAgent } from '@atproto/api'
import { Secp256k1Keypair } from '@atproto/crypto'
import { readCarWithRoot, verifyRepo } from '@atproto/repo'
import { describe, expect, it } from 'vitest'
import { backup } from '../../tools/backup/backup'
import { restore } from '../../tools/backup/restore'
import { loggedInAgent } from './clients/pds-agent'
import { reportCheck } from './harness/check-log'
import { freePort } from './harness/free-port'
import { loopbackFetch } from './harness/loopback-fetch'
import { createPdsIdentity, type PdsIdentity } from './harness/pds-identity'
import { spawnPds } from './harness/pds-process'
import { stopGroup } from './harness/process-group'

const ROOT = new URL('../../', import.meta.url).pathname
const POST = 'app.bsky.feed.post'

/** The repo's records as `collection/rkey → cid`, verified against the key. */
async function records(id: PdsIdentity): Promise<Map<string, string>> {
  const res = await loopbackFetch(
    `${id.baseUrl}/xrpc/com.atproto.sync.getRepo?did=${encodeURIComponent(id.did)}`,
  )
  expect(res.status).toBe(200)
  const { root, blocks } = await readCarWithRoot(new Uint8Array(await res.arrayBuffer()))
  const key = (await Secp256k1Keypair.import(id.signingKeyHex)).did()
  const verified = await verifyRepo(blocks, root, id.did, key)
  return new Map(verified.creates.map((c) => [`${c.collection}/${c.rkey}`, c.cid.toString()]))
}

async function blobs(agent: AtpAgent, did: string): Promise<Map<string, Buffer>> {
  const { data } = await agent.com.atproto.sync.listBlobs({ did, limit: 1000 })
  const out = new Map<string, Buffer>()
  for (const cid of data.cids)
    out.set(cid, Buffer.from((await agent.com.atproto.sync.getBlob({ did, cid })).data))
  return out
}

/**
 * The same deployment with its state lost: the same host, DID and keys over an empty state
 * folder, as a restore after a disaster finds it. (A did:web cannot move to another host, and
 * this PDS activates only when the DID document names it.)
 */
function freshStateOf(source: PdsIdentity, dir: string): PdsIdentity {
  const stateDir = join(dir, 'restored-state')
  mkdirSync(stateDir)
  return { ...source, stateDir }
}

/** Backs up `source` three times (resuming), restores into the same deployment with empty state, compares. */
async function backupAndRestore(
  source: PdsIdentity,
  agent: AtpAgent,
  prefs: unknown[],
  stopSource: () => Promise<void>,
): Promise<void> {
  const expectedRecords = await records(source)
  const expectedBlobs = await blobs(agent, source.did)
  expect(expectedBlobs.size).toBeGreaterThanOrEqual(3)

  const dir = mkdtempSync(join(tmpdir(), 'edge-pds-e2e-backup-'))
  try {
    const out = join(dir, 'backup')
    const lines: string[] = []
    const opts = {
      from: source.baseUrl,
      out,
      token: source.authToken,
      plcUrl: 'http://127.0.0.1:1',
      fetch: loopbackFetch,
      progress: (l: string) => lines.push(l),
    }
    const first = await backup(opts)
    expect(first).toMatchObject({
      did: source.did,
      records: expectedRecords.size,
      blobs: expectedBlobs.size,
    })
    expect(readdirSync(join(out, 'blobs')).sort()).toEqual([...expectedBlobs.keys()].sort())
    // A second run finds every blob on disk with the right CID and fetches none again.
    lines.length = 0
    await backup(opts)
    expect(lines.at(-1)).toBe(
      `blobs: ${expectedBlobs.size}/${expectedBlobs.size} (${expectedBlobs.size} already on disk)`,
    )
    // A blob whose bytes no longer hash to its name is fetched again.
    const [damaged] = [...expectedBlobs.keys()]
    if (!damaged) throw new Error('no blob')
    writeFileSync(join(out, 'blobs', damaged), 'damaged')
    lines.length = 0
    await backup(opts)
    const n = expectedBlobs.size
    expect(lines.at(-1)).toBe(`blobs: ${n}/${n} (${n - 1} already on disk)`)
    expect(readFileSync(join(out, 'blobs', damaged))).toEqual(expectedBlobs.get(damaged))

    await stopSource()
    const dest = freshStateOf(source, dir)
    const pgid = await spawnPds(dest, { cwd: ROOT, log: join(dir, 'restored.log') })
    try {
      const restored = await restore({
        from: out,
        to: dest.baseUrl,
        // A deployment made by setup has no AUTH_TOKEN: the restore logs in with the password.
        credential: { password: dest.password },
        activate: true,
        fetch: loopbackFetch,
        progress: () => {},
      })
      expect(restored).toEqual({ records: expectedRecords.size, blobs: expectedBlobs.size })
      expect(await records(dest)).toEqual(expectedRecords)
      const destAgent = new AtpAgent({ service: dest.baseUrl, fetch: loopbackFetch })
      destAgent.setHeader('authorization', `Bearer ${dest.authToken}`)
      expect(await blobs(destAgent, dest.did)).toEqual(expectedBlobs)
      const { data } = await destAgent.app.bsky.actor.getPreferences()
      expect(data.preferences).toEqual(prefs)
      reportCheck(
        'backup/restore',
        `${expectedRecords.size} records, ${expectedBlobs.size} blobs and preferences restored identically`,
      )
    } finally {
      await stopGroup(pgid)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('backup and restore', () => {
  it('backs up a PDS (resumably) and restores identical records, blobs and preferences into empty state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-pds-e2e-backup-source-'))
    const source = await createPdsIdentity(dir, await freePort())
    let pgid: number | null = await spawnPds(source, { cwd: ROOT, log: join(dir, 'source.log') })
    const stopSource = async () => {
      if (pgid !== null) await stopGroup(pgid)
      pgid = null
    }
    try {
      const agent = await loggedInAgent(source)
      for (let i = 0; i < 3; i++) {
        const bytes = Buffer.from(`backup blob ${i} ${Date.now()} ${'x'.repeat(1000 * i)}`)
        const { blob } = (await agent.com.atproto.repo.uploadBlob(bytes, { encoding: 'text/plain' })).data
        await agent.com.atproto.repo.createRecord({
          repo: source.did,
          collection: POST,
          record: {
            $type: POST,
            text: `with blob ${i}`,
            createdAt: new Date().toISOString(),
            embed: { $type: 'app.bsky.embed.images', images: [{ alt: `b${i}`, image: blob }] },
          },
        })
      }
      const prefs = [{ $type: 'app.bsky.actor.defs#adultContentPref', enabled: false }]
      await agent.app.bsky.actor.putPreferences({ preferences: prefs })
      await backupAndRestore(source, agent, prefs, stopSource)
    } finally {
      await stopSource()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
