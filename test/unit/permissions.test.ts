import { describe, expect, it } from 'vitest'
import { XRPCError } from '../../src/shared/xrpc-error'
import { type Permissions, permissionsOf } from '../../src/worker/auth/permissions/permissions'
import {
  APPVIEW,
  appPassword,
  BAD_METHOD,
  BAD_SCOPE,
  CHAT,
  mainPassword,
  missing,
  oauth,
  refusal,
  serviceJwt,
  staticToken,
} from './permission-fixtures'

function everything(p: Permissions) {
  return {
    repo: refusal(() => p.assertRepo('app.bsky.feed.post', 'create')),
    blob: refusal(() => p.assertBlob('image/png')),
    rpc: refusal(() => p.assertRpc('app.bsky.feed.getTimeline', APPVIEW)),
    chat: refusal(() => p.assertRpc('chat.bsky.convo.listConvos', CHAT)),
    accountRepo: refusal(() => p.assertAccount('repo', 'manage')),
    accountStatus: refusal(() => p.assertAccount('status', 'manage')),
    handle: refusal(() => p.assertIdentity('handle')),
    identity: refusal(() => p.assertIdentity('*')),
    email: p.canReadEmail(),
    emailStatus: p.canReadEmailStatus(),
    personalDetails: p.seesPersonalDetails(),
  }
}

describe('permissionsOf: credentials older than OAuth keep exactly what they had', () => {
  it('lets the static token and the main password do everything', () => {
    const all = {
      repo: null,
      blob: null,
      rpc: null,
      chat: null,
      accountRepo: null,
      accountStatus: null,
      handle: null,
      identity: null,
      email: true,
      emailStatus: true,
      personalDetails: true,
    }
    expect(everything(permissionsOf(staticToken))).toEqual(all)
    expect(everything(permissionsOf(mainPassword))).toEqual(all)
  })

  it('lets an app password write, upload and call the AppView, but not chat, the account or identity', () => {
    expect(everything(permissionsOf(appPassword(false)))).toEqual({
      repo: null,
      blob: null,
      rpc: null,
      chat: BAD_METHOD,
      accountRepo: BAD_SCOPE,
      accountStatus: BAD_SCOPE,
      handle: BAD_SCOPE,
      identity: BAD_SCOPE,
      email: false,
      emailStatus: true,
      personalDetails: false,
    })
  })

  it('lets a privileged app password chat too, and nothing more', () => {
    const p = everything(permissionsOf(appPassword(true)))
    expect(p.chat).toBeNull()
    expect([p.accountRepo, p.identity, p.email, p.personalDetails]).toEqual([
      BAD_SCOPE,
      BAD_SCOPE,
      false,
      false,
    ])
  })

  it('gives getServiceAuth its own legacy refusal for privileged methods', () => {
    const p = permissionsOf(appPassword(false))
    const own = () => new XRPCError(400, 'InvalidRequest', 'insufficient access')
    expect(refusal(() => p.assertRpc('chat.bsky.convo.getLog', 'did:web:api.bsky.chat', own))).toEqual([
      400,
      'InvalidRequest',
      'insufficient access',
    ])
    expect(refusal(() => p.assertRpc('com.atproto.server.createAccount', 'did:web:x', own))).not.toBeNull()
    expect(refusal(() => p.assertRpc('*', 'did:web:x', own))).toBeNull()
  })

  it('lets a service JWT do only what its lxm names (uploadBlob)', () => {
    expect(
      refusal(() => permissionsOf(serviceJwt('com.atproto.repo.uploadBlob')).assertBlob('video/mp4')),
    ).toBeNull()
    const other = everything(permissionsOf(serviceJwt('app.bsky.feed.getTimeline')))
    expect([other.blob, other.repo, other.rpc, other.identity]).toEqual([
      BAD_SCOPE,
      BAD_SCOPE,
      BAD_METHOD,
      BAD_SCOPE,
    ])
  })
})

describe('permissionsOf: OAuth', () => {
  it('gives `atproto` alone nothing but the session (no email, no writes)', () => {
    expect(everything(permissionsOf(oauth('atproto')))).toEqual({
      repo: missing('repo:app.bsky.feed.post?action=create'),
      blob: missing('blob:image/png'),
      rpc: missing('rpc:app.bsky.feed.getTimeline?aud=did:web:api.bsky.app%23bsky_appview'),
      chat: missing('rpc:chat.bsky.convo.listConvos?aud=did:web:api.bsky.chat%23bsky_chat'),
      accountRepo: missing('account:repo?action=manage'),
      accountStatus: missing('account:status?action=manage'),
      handle: missing('identity:handle'),
      identity: missing('identity:*'),
      email: false,
      emailStatus: false,
      personalDetails: false,
    })
  })

  it('gives transition:generic what a non-privileged app password has, as 403s', () => {
    const p = everything(permissionsOf(oauth('atproto transition:generic')))
    expect([p.repo, p.blob, p.rpc]).toEqual([null, null, null])
    expect(p.chat).toEqual(missing('rpc:chat.bsky.convo.listConvos?aud=did:web:api.bsky.chat%23bsky_chat'))
    expect([p.accountRepo, p.accountStatus, p.handle, p.identity]).toEqual([
      missing('account:repo?action=manage'),
      missing('account:status?action=manage'),
      missing('identity:handle'),
      missing('identity:*'),
    ])
    expect([p.email, p.emailStatus, p.personalDetails]).toEqual([false, false, false])
    // Any record type, including ones no lexicon here knows.
    const generic = permissionsOf(oauth('atproto transition:generic'))
    expect(refusal(() => generic.assertRepo('com.example.thing', 'delete'))).toBeNull()
    // A method-less service JWT (getServiceAuth without lxm).
    expect(refusal(() => generic.assertRpc('*', 'did:web:video.bsky.app'))).toBeNull()
  })

  it('opens chat with transition:chat.bsky and the email with transition:email', () => {
    const chat = permissionsOf(oauth('atproto transition:generic transition:chat.bsky'))
    expect(refusal(() => chat.assertRpc('chat.bsky.convo.listConvos', CHAT))).toBeNull()
    expect(chat.canReadEmail()).toBe(false)
    const email = permissionsOf(oauth('atproto transition:email'))
    expect([email.canReadEmail(), email.canReadEmailStatus()]).toEqual([true, true])
    expect(refusal(() => email.assertRepo('app.bsky.feed.post', 'create'))).not.toBeNull()
  })

  it('grants repo: per collection and action, `*` for every collection', () => {
    const p = permissionsOf(oauth('atproto repo:app.bsky.feed.post?action=create&action=delete'))
    expect(refusal(() => p.assertRepo('app.bsky.feed.post', 'create'))).toBeNull()
    expect(refusal(() => p.assertRepo('app.bsky.feed.post', 'delete'))).toBeNull()
    expect(refusal(() => p.assertRepo('app.bsky.feed.post', 'update'))).toEqual(
      missing('repo:app.bsky.feed.post?action=update'),
    )
    expect(refusal(() => p.assertRepo('app.bsky.feed.like', 'create'))).toEqual(
      missing('repo:app.bsky.feed.like?action=create'),
    )
    const all = permissionsOf(oauth('atproto repo:app.bsky.feed.like'))
    for (const action of ['create', 'update', 'delete'] as const) {
      expect(refusal(() => all.assertRepo('app.bsky.feed.like', action))).toBeNull()
    }
    const wildcard = permissionsOf(oauth('atproto repo:*?action=update'))
    expect(refusal(() => wildcard.assertRepo('com.example.anything', 'update'))).toBeNull()
    expect(refusal(() => wildcard.assertRepo('com.example.anything', 'create'))).not.toBeNull()
  })

  it('grants rpc: for one method on one service, `aud=*` on any', () => {
    const p = permissionsOf(oauth(`atproto rpc:app.bsky.feed.getTimeline?aud=${encodeURIComponent(APPVIEW)}`))
    expect(refusal(() => p.assertRpc('app.bsky.feed.getTimeline', APPVIEW))).toBeNull()
    expect(
      refusal(() => p.assertRpc('app.bsky.feed.getTimeline', 'did:web:other.example#bsky_appview')),
    ).toEqual(missing('rpc:app.bsky.feed.getTimeline?aud=did:web:other.example%23bsky_appview'))
    expect(refusal(() => p.assertRpc('app.bsky.feed.getAuthorFeed', APPVIEW))).not.toBeNull()
    const anyAud = permissionsOf(oauth('atproto rpc:app.bsky.moderation.createReport?aud=*'))
    expect(
      refusal(() => anyAud.assertRpc('app.bsky.moderation.createReport', 'did:web:mod.example#x')),
    ).toBeNull()
    const anyMethod = permissionsOf(oauth(`atproto rpc:*?aud=${encodeURIComponent(CHAT)}`))
    expect(refusal(() => anyMethod.assertRpc('chat.bsky.convo.listConvos', CHAT))).toBeNull()
    expect(refusal(() => anyMethod.assertRpc('chat.bsky.convo.listConvos', APPVIEW))).not.toBeNull()
  })

  it('grants blob: by MIME type with `type/*` and `*/*` wildcards', () => {
    const images = permissionsOf(oauth('atproto blob:image/*'))
    expect(refusal(() => images.assertBlob('image/jpeg'))).toBeNull()
    expect(refusal(() => images.assertBlob('video/mp4'))).toEqual(missing('blob:video/mp4'))
    const exact = permissionsOf(oauth('atproto blob?accept=video/mp4&accept=image/png'))
    expect(refusal(() => exact.assertBlob('video/mp4'))).toBeNull()
    expect(refusal(() => exact.assertBlob('image/gif'))).not.toBeNull()
    expect(refusal(() => permissionsOf(oauth('atproto blob:*/*')).assertBlob('application/pdf'))).toBeNull()
  })

  it('grants account: and identity: attributes', () => {
    const email = permissionsOf(oauth('atproto account:email'))
    expect([email.canReadEmail(), email.canReadEmailStatus()]).toEqual([true, true])
    expect(refusal(() => email.assertAccount('email', 'manage'))).toEqual(
      missing('account:email?action=manage'),
    )
    const migrate = permissionsOf(oauth('atproto account:repo?action=manage'))
    expect(refusal(() => migrate.assertAccount('repo', 'manage'))).toBeNull()
    expect(refusal(() => migrate.assertAccount('status', 'manage'))).not.toBeNull()
    expect(refusal(() => migrate.assertIdentity('*'))).not.toBeNull()
    const status = permissionsOf(oauth('atproto account:status?action=manage'))
    expect(refusal(() => status.assertAccount('status', 'manage'))).toBeNull()
    // The default action is read, which does not reach activation.
    expect(
      refusal(() => permissionsOf(oauth('atproto account:status')).assertAccount('status', 'manage')),
    ).toEqual(missing('account:status?action=manage'))
    const handle = permissionsOf(oauth('atproto identity:handle'))
    expect(refusal(() => handle.assertIdentity('handle'))).toBeNull()
    expect(refusal(() => handle.assertIdentity('*'))).toEqual(missing('identity:*'))
    const identity = permissionsOf(oauth('atproto identity:*'))
    expect(refusal(() => identity.assertIdentity('handle'))).toBeNull()
    expect(refusal(() => identity.assertIdentity('*'))).toBeNull()
  })

  it('ignores tokens that are not atproto permissions, and malformed ones, without failing', () => {
    const scope =
      'atproto openid profile com.atproto.access repo:not-an-nsid repo:app.bsky.feed.post?action=explode ' +
      'rpc:app.bsky.feed.getTimeline blob:nonsense account:everything identity:email include:x ' +
      ' repo:app.bsky.feed.like?action=create  '
    const p = permissionsOf(oauth(scope))
    expect(refusal(() => p.assertRepo('app.bsky.feed.like', 'create'))).toBeNull()
    expect(refusal(() => p.assertRepo('app.bsky.feed.post', 'create'))).not.toBeNull()
    // rpc: without aud is not a permission: it grants no call anywhere.
    expect(refusal(() => p.assertRpc('app.bsky.feed.getTimeline', APPVIEW))).not.toBeNull()
    expect(refusal(() => p.assertBlob('image/png'))).not.toBeNull()
    expect(refusal(() => p.assertIdentity('handle'))).not.toBeNull()
    expect(p.canReadEmail()).toBe(false)
  })

  it('grants nothing to a token without `atproto`', () => {
    const p = permissionsOf(oauth('transition:generic transition:email repo:*'))
    expect(refusal(() => p.assertRepo('app.bsky.feed.post', 'create'))).toEqual(missing('atproto'))
    expect(p.canReadEmail()).toBe(false)
  })
})
