/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest'
import { tinyPng } from './helpers/blobs'
import { OWNER } from './helpers/client'
import { STAND_IN } from './helpers/stand-in-services'
import { expectNoCommit, expectXrpcError } from './helpers/xrpc-expect'

/** What `test/helpers/oauth-client.ts` (the OAuth server's branch) provides: a session of a real client. */
type OauthSession = { fetchXrpc: (nsid: string, init?: RequestInit) => Promise<Response> }
type OauthClientHelper = { oauthSession: (scope: string) => Promise<OauthSession> }

// The helper arrives with the OAuth server; until then this suite is skipped, not faked.
const helpers = import.meta.glob<OauthClientHelper>('./helpers/oauth-client.ts')
const loadHelper = helpers['./helpers/oauth-client.ts']

const session = async (scope: string) => {
  if (!loadHelper) throw new Error('unreachable: the suite is skipped without the helper')
  return (await loadHelper()).oauthSession(scope)
}

const POST = 'app.bsky.feed.post'
const aud = (did: string, service: string) => `${did}${service}`.replace('#', '%23')
const jsonPost = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

async function expectScopeMissing(res: Response, scope: string): Promise<void> {
  const body = await expectXrpcError(res, 403, 'ScopeMissingError')
  expect(body.message).toBe(`Missing required scope "${scope}"`)
}

describe.skipIf(!loadHelper)('OAuth permissions with real DPoP tokens, through the router', () => {
  it('writes inside the granted repo: collection and action only', async () => {
    const s = await session(`atproto repo:${POST}?action=create`)
    const record = { $type: POST, text: 'hi', createdAt: new Date().toISOString() }
    const ok = await s.fetchXrpc(
      'com.atproto.repo.createRecord',
      jsonPost({ repo: OWNER.did, collection: POST, record }),
    )
    expect(ok.status, await ok.clone().text()).toBe(200)
    const { uri } = (await ok.json()) as { uri: string }
    await expectNoCommit(async () => {
      await expectScopeMissing(
        await s.fetchXrpc(
          'com.atproto.repo.createRecord',
          jsonPost({ repo: OWNER.did, collection: 'com.example.thing', record: { n: 1 } }),
        ),
        'repo:com.example.thing?action=create',
      )
      await expectScopeMissing(
        await s.fetchXrpc(
          'com.atproto.repo.deleteRecord',
          jsonPost({ repo: OWNER.did, collection: POST, rkey: uri.split('/').pop() }),
        ),
        `repo:${POST}?action=delete`,
      )
    })
  })

  it('uploads only the blob: types granted', async () => {
    const s = await session('atproto blob:image/*')
    const png = await s.fetchXrpc('com.atproto.repo.uploadBlob', {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: await tinyPng(),
    })
    expect(png.status, await png.clone().text()).toBe(200)
    await expectScopeMissing(
      await s.fetchXrpc('com.atproto.repo.uploadBlob', {
        method: 'POST',
        headers: { 'content-type': 'video/mp4' },
        body: new Uint8Array(16),
      }),
      'blob:video/mp4',
    )
  })

  it('proxies and issues service JWTs only inside rpc:', async () => {
    const appView = aud(STAND_IN.appView.did, STAND_IN.appView.service)
    const s = await session(`atproto rpc:app.bsky.feed.getTimeline?aud=${appView}`)
    const ok = await s.fetchXrpc('app.bsky.feed.getTimeline')
    expect(ok.status, await ok.clone().text()).toBe(200)
    await expectScopeMissing(
      await s.fetchXrpc('app.bsky.actor.getSuggestions'),
      `rpc:app.bsky.actor.getSuggestions?aud=${appView}`,
    )
    const query = new URLSearchParams({
      aud: 'did:web:video.example#svc',
      lxm: 'com.atproto.repo.uploadBlob',
    })
    await expectScopeMissing(
      await s.fetchXrpc(`com.atproto.server.getServiceAuth?${query}`),
      'rpc:com.atproto.repo.uploadBlob?aud=did:web:video.example%23svc',
    )
  })

  it('refuses account and identity methods without their permissions', async () => {
    const s = await session('atproto transition:generic')
    await expectScopeMissing(
      await s.fetchXrpc('com.atproto.server.deactivateAccount', jsonPost({})),
      'account:status?action=manage',
    )
    await expectScopeMissing(
      await s.fetchXrpc('com.atproto.identity.updateHandle', jsonPost({ handle: 'x.example.com' })),
      'identity:handle',
    )
    await expectScopeMissing(
      await s.fetchXrpc('com.atproto.identity.signPlcOperation', jsonPost({ token: 'x' })),
      'identity:*',
    )
    await expectXrpcError(await s.fetchXrpc('com.atproto.server.listAppPasswords'), 403, 'Forbidden')
  })

  it('shows the email status only with transition:email', async () => {
    const plain = (await (
      await (await session('atproto')).fetchXrpc('com.atproto.server.getSession')
    ).json()) as object
    expect(Object.keys(plain)).not.toContain('emailConfirmed')
    const withEmail = await (await session('atproto transition:email')).fetchXrpc(
      'com.atproto.server.getSession',
    )
    expect(Object.keys((await withEmail.json()) as object)).toContain('emailConfirmed')
  })
})
