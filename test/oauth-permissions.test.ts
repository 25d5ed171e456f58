import { describe, expect, it } from 'vitest'
import { tinyPng } from './helpers/blobs'
import { OWNER, xrpc } from './helpers/client'
import { callAsCredential, oauthCredential, proxyAsCredential } from './helpers/credential-calls'
import { STAND_IN } from './helpers/stand-in-services'
import { expectNoCommit, expectXrpcError } from './helpers/xrpc-expect'

const POST = 'app.bsky.feed.post'
const APPVIEW = `${STAND_IN.appView.did}${STAND_IN.appView.service}`
const CHAT = `${STAND_IN.chat.did}${STAND_IN.chat.service}`
const OWN_PDS = `${OWNER.did}#atproto_pds`
// How the library writes an aud in a scope: only the `#` is escaped.
const enc = (aud: string) => aud.replace('#', '%23')

const as = (scope: string) => oauthCredential(`atproto ${scope}`.trim())

const json = (body: unknown) => ({
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
})
const post = (text: string) => ({ $type: POST, text, createdAt: new Date().toISOString() })

/** A 403 ScopeMissingError that names exactly the permission that was missing. */
async function expectScopeMissing(res: Response, scope: string): Promise<void> {
  const body = await expectXrpcError(res, 403, 'ScopeMissingError')
  expect(body.message).toBe(`Missing required scope "${scope}"`)
}

describe('OAuth permissions on record writes', () => {
  const createOnly = as(`repo:${POST}?action=create`)

  it('writes the granted collection, and refuses another collection without a commit', async () => {
    const ok = await callAsCredential(
      createOnly,
      'com.atproto.repo.createRecord',
      json({ repo: OWNER.did, collection: POST, record: post('granted') }),
    )
    expect(ok.status, await ok.clone().text()).toBe(200)
    await expectNoCommit(async () =>
      expectScopeMissing(
        await callAsCredential(
          createOnly,
          'com.atproto.repo.createRecord',
          json({ repo: OWNER.did, collection: 'com.example.thing', record: { n: 1 } }),
        ),
        'repo:com.example.thing?action=create',
      ),
    )
  })

  it('refuses an action outside the granted ones: delete, and put (create and update)', async () => {
    const body = { repo: OWNER.did, collection: POST, rkey: '3kabcdefghi22' }
    await expectNoCommit(async () => {
      await expectScopeMissing(
        await callAsCredential(createOnly, 'com.atproto.repo.deleteRecord', json(body)),
        `repo:${POST}?action=delete`,
      )
      await expectScopeMissing(
        await callAsCredential(
          createOnly,
          'com.atproto.repo.putRecord',
          json({ ...body, record: post('put') }),
        ),
        `repo:${POST}?action=update`,
      )
    })
    const full = await callAsCredential(
      as(`repo:${POST}`),
      'com.atproto.repo.putRecord',
      json({ ...body, record: post('put') }),
    )
    expect(full.status, await full.clone().text()).toBe(200)
  })

  it('checks every write of applyWrites: one refused write refuses the batch', async () => {
    const writes = [
      { $type: 'com.atproto.repo.applyWrites#create', collection: POST, value: post('a') },
      { $type: 'com.atproto.repo.applyWrites#create', collection: 'com.example.thing', value: { n: 1 } },
    ]
    await expectNoCommit(async () =>
      expectScopeMissing(
        await callAsCredential(createOnly, 'com.atproto.repo.applyWrites', json({ repo: OWNER.did, writes })),
        'repo:com.example.thing?action=create',
      ),
    )
    const ok = await callAsCredential(
      as(`repo:${POST}?action=create repo:com.example.thing?action=create`),
      'com.atproto.repo.applyWrites',
      json({ repo: OWNER.did, writes }),
    )
    expect(ok.status, await ok.clone().text()).toBe(200)
  })

  it('gives `atproto` alone no writes at all, and transition:generic any collection', async () => {
    const body = json({ repo: OWNER.did, collection: 'com.example.thing', record: { n: 1 } })
    await expectScopeMissing(
      await callAsCredential(as(''), 'com.atproto.repo.createRecord', body),
      'repo:com.example.thing?action=create',
    )
    const res = await callAsCredential(as('transition:generic'), 'com.atproto.repo.createRecord', body)
    expect(res.status, await res.clone().text()).toBe(200)
  })
})

describe('OAuth permissions on blobs', () => {
  it('uploads a type the blob: permission accepts and refuses one it does not', async () => {
    const images = as('blob:image/*')
    const png = await callAsCredential(images, 'com.atproto.repo.uploadBlob', {
      body: await tinyPng(),
      headers: { 'content-type': 'image/png' },
    })
    expect(png.status, await png.clone().text()).toBe(200)
    await expectScopeMissing(
      await callAsCredential(images, 'com.atproto.repo.uploadBlob', {
        body: new Uint8Array(16),
        headers: { 'content-type': 'video/mp4' },
      }),
      'blob:video/mp4',
    )
  })
})

describe('OAuth permissions on service auth and the proxy', () => {
  it('issues a service JWT only for the granted lxm and aud', async () => {
    const cred = as(`rpc:com.atproto.repo.uploadBlob?aud=${enc(OWN_PDS)}`)
    const ok = await callAsCredential(cred, 'com.atproto.server.getServiceAuth', {
      query: { aud: OWN_PDS, lxm: 'com.atproto.repo.uploadBlob' },
    })
    expect(ok.status, await ok.clone().text()).toBe(200)
    await expectScopeMissing(
      await callAsCredential(cred, 'com.atproto.server.getServiceAuth', {
        query: { aud: 'did:web:video.example#svc', lxm: 'com.atproto.repo.uploadBlob' },
      }),
      'rpc:com.atproto.repo.uploadBlob?aud=did:web:video.example%23svc',
    )
    await expectScopeMissing(
      await callAsCredential(cred, 'com.atproto.server.getServiceAuth', { query: { aud: OWN_PDS } }),
      `rpc:*?aud=${enc(OWN_PDS)}`,
    )
  })

  it('proxies a granted method to the granted service and refuses any other', async () => {
    const cred = as(`rpc:app.bsky.feed.getTimeline?aud=${enc(APPVIEW)}`)
    const ok = await proxyAsCredential(cred, 'app.bsky.feed.getTimeline')
    expect(ok.status, await ok.clone().text()).toBe(200)
    await expectScopeMissing(
      await proxyAsCredential(cred, 'app.bsky.feed.getAuthorFeed', { query: { actor: OWNER.did } }),
      `rpc:app.bsky.feed.getAuthorFeed?aud=${enc(APPVIEW)}`,
    )
    // The same method at another service (atproto-proxy) is another permission.
    await expectScopeMissing(
      await proxyAsCredential(cred, 'app.bsky.feed.getTimeline', {
        headers: { 'atproto-proxy': `${STAND_IN.labeler.did}${STAND_IN.labeler.service}` },
      }),
      `rpc:app.bsky.feed.getTimeline?aud=${enc(`${STAND_IN.labeler.did}${STAND_IN.labeler.service}`)}`,
    )
  })

  it('keeps chat behind transition:chat.bsky', async () => {
    await expectScopeMissing(
      await proxyAsCredential(as('transition:generic'), 'chat.bsky.convo.listConvos'),
      `rpc:chat.bsky.convo.listConvos?aud=${enc(CHAT)}`,
    )
    const ok = await proxyAsCredential(
      as('transition:generic transition:chat.bsky'),
      'chat.bsky.convo.listConvos',
    )
    expect(ok.status, await ok.clone().text()).toBe(200)
  })

  it('checks registerPush against the notification service the body names', async () => {
    const body = json({
      serviceDid: STAND_IN.notif.did,
      token: 't',
      platform: 'web',
      appId: 'xyz.blueskyweb.app',
    })
    await expectScopeMissing(
      await callAsCredential(as(''), 'app.bsky.notification.registerPush', body),
      `rpc:app.bsky.notification.registerPush?aud=${enc(`${STAND_IN.notif.did}#bsky_notif`)}`,
    )
  })

  it('answers preferences only with the AppView rpc: permission, and never with personal details', async () => {
    await expectScopeMissing(
      await callAsCredential(as(''), 'app.bsky.actor.getPreferences'),
      `rpc:app.bsky.actor.getPreferences?aud=${enc(APPVIEW)}`,
    )
    const personal = {
      $type: 'app.bsky.actor.defs#personalDetailsPref',
      birthDate: '1990-01-01T00:00:00.000Z',
    }
    const saved = await xrpc('app.bsky.actor.putPreferences', { body: { preferences: [personal] } })
    expect(saved.status).toBe(200)
    const res = await callAsCredential(as('transition:generic'), 'app.bsky.actor.getPreferences')
    expect(res.status).toBe(200)
    const { preferences } = (await res.json()) as { preferences: { $type: string }[] }
    expect(preferences.map((p) => p.$type)).not.toContain(personal.$type)
  })
})

describe('OAuth permissions on the account and identity', () => {
  it.each([
    ['com.atproto.repo.importRepo', 'account:repo?action=manage'],
    ['com.atproto.server.deactivateAccount', 'account:status?action=manage'],
    ['com.atproto.server.activateAccount', 'account:status?action=manage'],
    ['com.atproto.identity.updateHandle', 'identity:handle'],
    ['com.atproto.identity.submitPlcOperation', 'identity:*'],
    ['com.atproto.identity.requestPlcOperationSignature', 'identity:*'],
    ['com.atproto.identity.signPlcOperation', 'identity:*'],
    ['dev.edgepds.identity.getPlcOperationToken', 'identity:*'],
  ])('refuses %s without %s, even with every transition scope', async (nsid, scope) => {
    const cred = as('transition:generic transition:chat.bsky transition:email repo:* blob:*/*')
    await expectScopeMissing(await callAsCredential(cred, nsid, json({})), scope)
  })

  it('lets account:status?action=manage deactivate and reactivate', async () => {
    const cred = as('account:status?action=manage')
    expect((await callAsCredential(cred, 'com.atproto.server.deactivateAccount', json({}))).status).toBe(200)
    const status = await xrpc('com.atproto.sync.getRepoStatus', { query: { did: OWNER.did }, auth: false })
    expect(await status.json()).toMatchObject({ active: false })
    const back = await callAsCredential(cred, 'com.atproto.server.activateAccount', json({}))
    expect(back.status, await back.clone().text()).toBe(200)
  })

  it('lets identity:handle past the permission check of updateHandle (to the handle check)', async () => {
    const res = await callAsCredential(
      as('identity:handle'),
      'com.atproto.identity.updateHandle',
      json({ handle: '' }),
    )
    await expectXrpcError(res, 400, 'InvalidHandle')
  })

  it.each([
    'com.atproto.server.createAppPassword',
    'com.atproto.server.listAppPasswords',
    'com.atproto.server.revokeAppPassword',
    'dev.edgepds.server.revokeAllSessions',
  ])('never lets OAuth call %s', async (nsid) => {
    const cred = as('transition:generic transition:email account:status?action=manage identity:*')
    const body = await expectXrpcError(
      await callAsCredential(cred, nsid, json({ name: 'x' })),
      403,
      'Forbidden',
    )
    expect(body.message).toBe('OAuth credentials are not supported for this endpoint')
  })
})

describe('OAuth and the session', () => {
  it('hides the email status without transition:email or account:email', async () => {
    for (const scope of ['', 'transition:generic']) {
      const res = await callAsCredential(as(scope), 'com.atproto.server.getSession')
      const session = (await res.json()) as Record<string, unknown>
      expect(session.did).toBe(OWNER.did)
      expect(Object.keys(session)).not.toContain('emailConfirmed')
      expect(Object.keys(session)).not.toContain('email')
    }
    for (const scope of ['transition:email', 'account:email']) {
      const res = await callAsCredential(as(scope), 'com.atproto.server.getSession')
      expect(Object.keys((await res.json()) as object)).toContain('emailConfirmed')
    }
  })
})
