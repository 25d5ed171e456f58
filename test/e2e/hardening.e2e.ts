import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loggedInAgent } from './clients/pds-agent'
import { reportCheck } from './harness/check-log'
import { freePort } from './harness/free-port'
import { pds } from './harness/pds-context'
import { createPdsIdentity, type PdsIdentity } from './harness/pds-identity'
import { spawnPds } from './harness/pds-process'
import { stopGroup } from './harness/process-group'

const ROOT = new URL('../../', import.meta.url).pathname

/** An XRPC call as the owner (static token), returning status and error name. */
async function call(
  id: PdsIdentity,
  nsid: string,
  opts: {
    query?: Record<string, string>
    body?: unknown
    headers?: Record<string, string>
    raw?: BodyInit
  } = {},
): Promise<{ status: number; error: string | undefined }> {
  const url = new URL(`/xrpc/${nsid}`, id.baseUrl)
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v)
  const headers: Record<string, string> = { authorization: `Bearer ${id.authToken}`, ...opts.headers }
  let body: BodyInit | undefined = opts.raw
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  const res = await fetch(url, { method: body === undefined ? 'GET' : 'POST', headers, body })
  const text = await res.text()
  let error: string | undefined
  try {
    error = (JSON.parse(text) as { error?: string }).error
  } catch {
    error = undefined
  }
  return { status: res.status, error }
}

const nested = (levels: number): object => {
  let v: object = { leaf: true }
  for (let i = 1; i < levels; i++) v = { d: v }
  return v
}

describe('hardening against the attacks a public PDS sees', () => {
  it('refuses a record nested too deeply with 400, and takes a normal one', async () => {
    const id = pds()
    const deep = await call(id, 'com.atproto.repo.createRecord', {
      body: { repo: id.did, collection: 'com.example.deep', record: nested(1_000) },
    })
    expect(deep).toEqual({ status: 400, error: 'InvalidRequest' })
    const fine = await call(id, 'com.atproto.repo.createRecord', {
      body: { repo: id.did, collection: 'com.example.deep', record: nested(20) },
    })
    expect(fine.status).toBe(200)
    reportCheck('hardening', 'a 1,000-level record refused with 400; a 20-level one written')
  })

  it.each([
    'did:web:localhost%3A1#svc',
    'did:web:127.0.0.1#svc',
    'did:web:10.0.0.1#svc',
    'did:web:100.64.0.1#svc',
    'did:web:169.254.169.254#svc',
    'did:web:198.18.0.1#svc',
    'did:web:192.168.0.1#svc',
  ])('never proxies to a private address: atproto-proxy %s gets 4xx', async (target) => {
    const id = pds()
    const res = await call(id, 'app.bsky.feed.getTimeline', { headers: { 'atproto-proxy': target } })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(res.status).toBeLessThan(500)
  })

  it('serves a deactivated repo to nobody, refuses record writes, and still takes blobs and preferences', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edge-pds-e2e-deactivated-'))
    const id = await createPdsIdentity(dir, await freePort())
    const pgid = await spawnPds(id, { cwd: ROOT, log: join(dir, 'wrangler.log') })
    try {
      const agent = await loggedInAgent(id)
      const post = await agent.com.atproto.repo.createRecord({
        repo: id.did,
        collection: 'app.bsky.feed.post',
        record: { text: 'before', createdAt: new Date().toISOString() },
      })
      const rkey = post.data.uri.split('/').pop() as string
      const png = Uint8Array.from(
        Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'),
      )
      const blob = await agent.com.atproto.repo.uploadBlob(png, { encoding: 'image/png' })
      await agent.com.atproto.server.deactivateAccount({})

      const did = { did: id.did }
      const reads: [string, Record<string, string>][] = [
        ['com.atproto.repo.describeRepo', { repo: id.did }],
        ['com.atproto.repo.getRecord', { repo: id.did, collection: 'app.bsky.feed.post', rkey }],
        ['com.atproto.repo.listRecords', { repo: id.did, collection: 'app.bsky.feed.post' }],
        ['com.atproto.sync.getRepo', did],
        ['com.atproto.sync.getLatestCommit', did],
        ['com.atproto.sync.getRecord', { ...did, collection: 'app.bsky.feed.post', rkey }],
        ['com.atproto.sync.getBlocks', { ...did, cids: post.data.cid }],
        ['com.atproto.sync.listBlobs', did],
        ['com.atproto.sync.getBlob', { ...did, cid: blob.data.blob.ref.toString() }],
      ]
      for (const [nsid, query] of reads) {
        expect(await call(id, nsid, { query }), nsid).toEqual({ status: 400, error: 'RepoDeactivated' })
      }
      const status = await agent.com.atproto.sync.getRepoStatus(did)
      expect(status.data).toMatchObject({ active: false, status: 'deactivated' })
      const writes: [string, unknown][] = [
        ['com.atproto.repo.createRecord', { repo: id.did, collection: 'com.example.x', record: { a: 1 } }],
        [
          'com.atproto.repo.putRecord',
          { repo: id.did, collection: 'com.example.x', rkey: 'a', record: { a: 1 } },
        ],
        ['com.atproto.repo.deleteRecord', { repo: id.did, collection: 'app.bsky.feed.post', rkey }],
        [
          'com.atproto.repo.applyWrites',
          {
            repo: id.did,
            writes: [
              { $type: 'com.atproto.repo.applyWrites#delete', collection: 'app.bsky.feed.post', rkey },
            ],
          },
        ],
      ]
      for (const [nsid, body] of writes) {
        expect(await call(id, nsid, { body }), nsid).toEqual({ status: 400, error: 'AccountDeactivated' })
      }
      // What a migration into a still deactivated account needs keeps working.
      const again = await call(id, 'com.atproto.repo.uploadBlob', {
        raw: png,
        headers: { 'content-type': 'image/png' },
      })
      expect(again.status).toBe(200)
      const prefs = [{ $type: 'app.bsky.actor.defs#adultContentPref', enabled: false }]
      expect((await call(id, 'app.bsky.actor.putPreferences', { body: { preferences: prefs } })).status).toBe(
        200,
      )

      await agent.com.atproto.server.activateAccount()
      const back = await agent.com.atproto.repo.getRecord({
        repo: id.did,
        collection: 'app.bsky.feed.post',
        rkey,
      })
      expect(back.data.value).toMatchObject({ text: 'before' })
      reportCheck(
        'deactivated',
        `${reads.length} reads refused, ${writes.length} writes refused, blob and preferences taken`,
      )
    } finally {
      await stopGroup(pgid)
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
