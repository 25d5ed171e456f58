import { appendFileSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AtpAgent, lexicons } from '@atproto/api'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportCheck } from './harness/check-log'
import { freePort } from './harness/free-port'
import { loopbackFetch } from './harness/loopback-fetch'
import { createPdsIdentity, type PdsIdentity } from './harness/pds-identity'
import { spawnPds } from './harness/pds-process'
import { stopGroup } from './harness/process-group'

const ROOT = new URL('../../', import.meta.url).pathname
/** The app names the AppView by this DID in `atproto-proxy`; the PDS is told its URL. */
const APPVIEW_DID = 'did:web:api.bsky.app'

type Seen = {
  nsid: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  claims: Record<string, unknown>
}

const claimsOf = (authorization: string | undefined): Record<string, unknown> => {
  const payload = authorization?.replace(/^Bearer /, '').split('.')[1] ?? ''
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8') || '{}') as Record<string, unknown>
}

/**
 * A stand-in AppView on 127.0.0.1 that records every proxied call and answers as an
 * AppView that has indexed the owner's repo only up to `staleRev`.
 */
function standInAppView(owner: () => PdsIdentity) {
  const seen: Seen[] = []
  const state = { staleRev: '' }
  const stranger = { did: 'did:plc:strangerxxxxxxxxxxxxxxxx', handle: 'bob.test' }
  const strangerPost = {
    $type: 'app.bsky.feed.defs#postView',
    uri: `at://${stranger.did}/app.bsky.feed.post/3kaaaaaaaaaaa`,
    cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm',
    author: stranger,
    record: { $type: 'app.bsky.feed.post', text: 'older', createdAt: '2024-01-01T00:00:00.000Z' },
    indexedAt: '2024-01-01T00:00:00.000Z',
  }
  const answers: Record<string, () => unknown> = {
    'app.bsky.actor.getProfile': () => ({ did: owner().did, handle: owner().handle, followersCount: 0 }),
    'app.bsky.feed.getTimeline': () => ({ feed: [{ post: strangerPost }] }),
    'app.bsky.feed.getAuthorFeed': () => ({ feed: [] }),
    'app.bsky.notification.getUnreadCount': () => ({ count: 0 }),
    'app.bsky.notification.registerPush': () => null,
  }
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const nsid = url.pathname.replace(/^\/xrpc\//, '')
    seen.push({
      nsid,
      query: url.searchParams,
      headers: req.headers,
      claims: claimsOf(req.headers.authorization),
    })
    req.resume()
    const answer = answers[nsid]
    if (!answer) {
      res.writeHead(501, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: 'MethodNotImplemented', message: nsid }))
      return
    }
    const body = answer()
    res.writeHead(200, {
      ...(body !== null && { 'content-type': 'application/json' }),
      'atproto-repo-rev': state.staleRev,
      'x-upstream-secret': 'must-not-pass',
    })
    res.end(body === null ? undefined : JSON.stringify(body))
  })
  return { server, seen, state }
}

describe('the Bluesky app against the PDS', () => {
  let dir = ''
  let id: PdsIdentity
  let pgid = 0
  const appView = standInAppView(() => id)

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edge-pds-e2e-app-'))
    await new Promise<void>((resolve) => appView.server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(appView.server.address() as AddressInfo).port}`
    id = await createPdsIdentity(dir, await freePort())
    appendFileSync(
      id.envFile,
      [
        `APPVIEW_DID=${APPVIEW_DID}#bsky_appview`,
        `APPVIEW_URL=${url}`,
        `CHAT_URL=${url}`,
        'PROXY_ALLOW_INSECURE=true',
        '',
      ].join('\n'),
    )
    pgid = await spawnPds(id, { cwd: ROOT, log: join(dir, 'pds.log') })
  })

  afterAll(async () => {
    if (pgid) await stopGroup(pgid)
    await new Promise((resolve) => appView.server.close(resolve))
    rmSync(dir, { recursive: true, force: true })
  })

  it("makes the app's calls in the app's order, and sees its new post at once", async () => {
    const login = new AtpAgent({ service: id.baseUrl, fetch: loopbackFetch })
    await login.login({ identifier: id.handle, password: id.password })
    const session = login.session
    if (!session) throw new Error('no session')

    // A restart of the app: the stored session is resumed.
    const app = new AtpAgent({ service: id.baseUrl, fetch: loopbackFetch })
    await app.resumeSession(session)
    const bsky = app.withProxy('bsky_appview', APPVIEW_DID)
    await app.com.atproto.server.describeServer()
    expect((await bsky.app.bsky.actor.getPreferences()).data.preferences).toEqual([])

    // The chat declaration: read, missing, written.
    const declaration = { repo: id.did, collection: 'chat.bsky.actor.declaration', rkey: 'self' }
    await expect(app.com.atproto.repo.getRecord(declaration)).rejects.toThrow(/not locate record/i)
    await app.com.atproto.repo.putRecord({
      ...declaration,
      record: { $type: 'chat.bsky.actor.declaration', allowIncoming: 'following' },
    })
    appView.state.staleRev = (await app.com.atproto.sync.getLatestCommit({ did: id.did })).data.rev

    const profile = await bsky.app.bsky.actor.getProfile({ actor: id.did })
    expect(profile.data.handle).toBe(id.handle)
    expect((await bsky.app.bsky.feed.getTimeline({ limit: 30 })).data.feed).toHaveLength(1)
    await bsky.app.bsky.notification.getUnreadCount()

    const posted = await app.post({ text: 'hello from the app', createdAt: new Date().toISOString() })
    const timeline = await bsky.app.bsky.feed.getTimeline({ limit: 30 })
    expect(timeline.data.feed.map((i) => i.post.uri)).toEqual([
      posted.uri,
      expect.stringContaining('strangerx'),
    ])
    expect(timeline.data.feed[0]?.post.author).toMatchObject({ did: id.did, handle: id.handle })
    lexicons.assertValidXrpcOutput('app.bsky.feed.getTimeline', timeline.data)
    const head = (await app.com.atproto.sync.getLatestCommit({ did: id.did })).data.rev
    expect(timeline.headers['atproto-repo-rev']).toBe(head)
    expect(timeline.headers['x-upstream-secret']).toBeUndefined()
    const own = await bsky.app.bsky.feed.getAuthorFeed({ actor: id.did, filter: 'posts_and_author_threads' })
    expect(own.data.feed.map((i) => i.post.uri)).toEqual([posted.uri])

    await bsky.app.bsky.notification.registerPush({
      serviceDid: APPVIEW_DID,
      token: 'device-token',
      platform: 'web',
      appId: 'xyz.blueskyweb.app',
    })

    // Settings > App passwords.
    await app.com.atproto.server.createAppPassword({ name: 'third-party client' })
    const listed = await app.com.atproto.server.listAppPasswords()
    expect(listed.data.passwords.map((p) => p.name)).toEqual(['third-party client'])
    await app.com.atproto.server.revokeAppPassword({ name: 'third-party client' })

    // Every proxied call reached the stand-in as the owner, for its method; preferences did not.
    expect(appView.seen.map((s) => s.nsid)).toEqual([
      'app.bsky.actor.getProfile',
      'app.bsky.feed.getTimeline',
      'app.bsky.notification.getUnreadCount',
      'app.bsky.feed.getTimeline',
      'app.bsky.feed.getAuthorFeed',
      'app.bsky.notification.registerPush',
    ])
    for (const s of appView.seen) {
      expect(s.claims).toMatchObject({ iss: id.did, aud: APPVIEW_DID, lxm: s.nsid })
      expect(s.headers.cookie).toBeUndefined()
    }
    reportCheck(
      'app flow',
      `${appView.seen.length} proxied calls in order; the new post merged into a stale timeline`,
    )
  })
})
