import { describe, expect, it } from 'vitest'
import { OWNER } from './helpers/client'
import { oauthSession } from './helpers/oauth-client'
import { STAND_IN } from './helpers/stand-in-services'
import { expectNoCommit, expectXrpcError } from './helpers/xrpc-expect'

const POST = 'app.bsky.feed.post'
/** How the library writes an aud in a scope: only the `#` is escaped. */
const APPVIEW_AUD = `${STAND_IN.appView.did}${STAND_IN.appView.service}`.replace('#', '%23')

async function expectScopeMissing(res: Response, scope: string): Promise<void> {
  const body = await expectXrpcError(res, 403, 'ScopeMissingError')
  expect(body.message).toBe(`Missing required scope "${scope}"`)
}

/**
 * The refusals through the whole stack: a real DPoP client (test/helpers/oauth-client.ts)
 * authorized for a scope at PAR, its access token verified by the resource server, then
 * the router and the routes' permission checks.
 */
describe('OAuth permissions with real DPoP tokens, through the router', () => {
  it('writes inside the granted repo: collection and action only', async () => {
    const s = await oauthSession(`atproto repo:${POST}?action=create`)
    const record = { $type: POST, text: 'hi', createdAt: new Date().toISOString() }
    const ok = await s.fetchXrpc('com.atproto.repo.createRecord', {
      body: { repo: OWNER.did, collection: POST, record },
    })
    expect(ok.status, await ok.clone().text()).toBe(200)
    const { uri } = (await ok.json()) as { uri: string }
    await expectNoCommit(async () => {
      await expectScopeMissing(
        await s.fetchXrpc('com.atproto.repo.createRecord', {
          body: { repo: OWNER.did, collection: 'com.example.thing', record: { n: 1 } },
        }),
        'repo:com.example.thing?action=create',
      )
      await expectScopeMissing(
        await s.fetchXrpc('com.atproto.repo.deleteRecord', {
          body: { repo: OWNER.did, collection: POST, rkey: uri.split('/').pop() },
        }),
        `repo:${POST}?action=delete`,
      )
    })
  })

  it('refuses a blob outside the granted blob: types', async () => {
    const s = await oauthSession('atproto blob:image/*')
    // The test client sends JSON bodies: an application/json blob, which image/* does not cover.
    await expectScopeMissing(
      await s.fetchXrpc('com.atproto.repo.uploadBlob', { body: { not: 'an image' } }),
      'blob:application/json',
    )
  })

  it('proxies and issues service JWTs only inside rpc:', async () => {
    const s = await oauthSession(`atproto rpc:app.bsky.feed.getTimeline?aud=${APPVIEW_AUD}`)
    const ok = await s.fetchXrpc('app.bsky.feed.getTimeline')
    expect(ok.status, await ok.clone().text()).toBe(200)
    await expectScopeMissing(
      await s.fetchXrpc('app.bsky.actor.getSuggestions'),
      `rpc:app.bsky.actor.getSuggestions?aud=${APPVIEW_AUD}`,
    )
    await expectScopeMissing(
      await s.fetchXrpc('com.atproto.server.getServiceAuth', {
        query: { aud: 'did:web:video.example#svc', lxm: 'com.atproto.repo.uploadBlob' },
      }),
      'rpc:com.atproto.repo.uploadBlob?aud=did:web:video.example%23svc',
    )
  })

  it('refuses account and identity methods without their permissions', async () => {
    const s = await oauthSession('atproto transition:generic')
    await expectScopeMissing(
      await s.fetchXrpc('com.atproto.server.deactivateAccount', { body: {} }),
      'account:status?action=manage',
    )
    await expectScopeMissing(
      await s.fetchXrpc('com.atproto.identity.updateHandle', { body: { handle: 'x.example.com' } }),
      'identity:handle',
    )
    await expectScopeMissing(
      await s.fetchXrpc('com.atproto.identity.signPlcOperation', { body: { token: 'x' } }),
      'identity:*',
    )
    await expectXrpcError(await s.fetchXrpc('com.atproto.server.listAppPasswords'), 403, 'Forbidden')
  })

  it('shows the email status only with transition:email', async () => {
    const plain = await (await oauthSession('atproto')).fetchXrpc('com.atproto.server.getSession')
    expect(Object.keys((await plain.json()) as object)).not.toContain('emailConfirmed')
    const withEmail = await (await oauthSession('atproto transition:email')).fetchXrpc(
      'com.atproto.server.getSession',
    )
    expect(Object.keys((await withEmail.json()) as object)).toContain('emailConfirmed')
  })
})
