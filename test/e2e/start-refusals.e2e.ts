import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loggedInAgent } from './clients/pds-agent'
import { reportCheck } from './harness/check-log'
import { freePort } from './harness/free-port'
import { createPdsIdentity, type PdsIdentity } from './harness/pds-identity'
import { spawnPds } from './harness/pds-process'
import { stopGroup } from './harness/process-group'
import { waitFor } from './harness/wait-for'

const ROOT = new URL('../../', import.meta.url).pathname

/** Runs `fn` against a PDS started for `id`, and stops it afterwards. */
async function withServer<T>(id: PdsIdentity, log: string, fn: () => Promise<T>): Promise<T> {
  const pgid = await spawnPds(id, { cwd: ROOT, log })
  try {
    return await fn()
  } finally {
    await stopGroup(pgid)
  }
}

const post = (id: PdsIdentity, token: string, rkey: string) =>
  fetch(`${id.baseUrl}/xrpc/com.atproto.repo.createRecord`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ repo: id.did, collection: 'com.example.mine', rkey, record: { rkey } }),
  })

describe('a state folder from another DID', () => {
  it('is refused at start, naming both DIDs, and nothing is written into it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-pds-e2e-mismatch-'))
    try {
      const owner = await createPdsIdentity(dir, await freePort())
      await withServer(owner, join(dir, 'owner-1.log'), async () => {
        expect((await post(owner, owner.authToken, 'first')).status).toBe(200)
      })

      // Another identity (another did:web) pointed at the owner's state folder.
      const otherDir = mkdtempSync(join(dir, 'other-'))
      const stranger = { ...(await createPdsIdentity(otherDir, await freePort())), stateDir: owner.stateDir }
      const log = join(dir, 'stranger.log')
      await withServer(stranger, log, async () => {
        const write = await post(stranger, stranger.authToken, 'intruder')
        expect(write.status).toBe(500)
        const read = await fetch(
          `${stranger.baseUrl}/xrpc/com.atproto.sync.getLatestCommit?did=${encodeURIComponent(stranger.did)}`,
        )
        expect(read.status).toBe(500)
        await read.body?.cancel()
        // wrangler forwards workerd's log lines a moment later, more so on a loaded machine.
        const refusal = `The stored repo belongs to ${owner.did}, but the setting DID is ${stranger.did}`
        await waitFor(() => readFileSync(log, 'utf8').includes(refusal), 'the refusal in the log', 30_000)
      })

      // The owner's server still opens its repo, which holds its record and no other.
      await withServer(owner, join(dir, 'owner-2.log'), async () => {
        const agent = await loggedInAgent(owner)
        const list = await agent.com.atproto.repo.listRecords({
          repo: owner.did,
          collection: 'com.example.mine',
        })
        expect(list.data.records.map((r) => r.uri.split('/').pop())).toEqual(['first'])
      })
      reportCheck(
        'start refusal',
        `state of ${owner.did} refused under ${stranger.did}; 500 for writes and reads`,
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
