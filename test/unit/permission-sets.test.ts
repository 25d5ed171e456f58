import { describe, expect, it } from 'vitest'
import {
  expandScope,
  PermissionSetCache,
  type PermissionSetDeps,
} from '../../src/worker/auth/permissions/permission-sets'
import { permissionsOf } from '../../src/worker/auth/permissions/permissions'

import {
  APPVIEW,
  AUTHORITY_DID,
  BASIC,
  otherKey,
  permissionSetLexicon,
  published,
  SET_NSID,
  scopes,
  standIn,
} from './permission-set-fixtures'

describe('expandScope', () => {
  it('leaves a scope without include: as it is, resolving nothing', async () => {
    const { deps, calls } = published({})
    expect(await expandScope('atproto  transition:generic repo:*', deps)).toEqual({
      ok: true,
      scope: 'atproto transition:generic repo:*',
    })
    expect(calls).toEqual([])
  })

  it('replaces an include: with its set, the rpc permissions inheriting its aud', async () => {
    const { deps, calls } = published({ [SET_NSID]: BASIC })
    const result = await expandScope(
      `atproto include:${SET_NSID}?aud=${encodeURIComponent(APPVIEW)} transition:email`,
      deps,
    )
    expect(scopes(result)).toEqual(
      [
        'atproto',
        'transition:email',
        'repo:com.example.app.post',
        'repo:com.example.app.like?action=delete',
        `rpc:com.example.app.getFeed?aud=${APPVIEW.replace('#', '%23')}`,
        'rpc:com.example.app.getFeedSkeleton?aud=*',
      ].sort(),
    )
    expect(calls).toHaveLength(1)
    // What the resource server then allows, from the expanded scope alone.
    const granted = permissionsOf({
      type: 'oauth',
      did: 'did:web:pds.test',
      scope: result.ok ? result.scope : '',
      clientId: 'c',
      grantId: 'g',
    })
    expect(() => granted.assertRepo('com.example.app.post', 'create')).not.toThrow()
    expect(() => granted.assertRepo('com.example.app.like', 'create')).toThrow('Missing required scope')
    expect(() => granted.assertRpc('com.example.app.getFeed', APPVIEW)).not.toThrow()
    expect(() => granted.assertRpc('com.example.app.getFeed', 'did:web:evil.example#svc')).toThrow()
    expect(granted.canReadEmail()).toBe(true)
  })

  it('drops inherit-aud rpc permissions when the include names no aud', async () => {
    const { deps } = published({ [SET_NSID]: BASIC })
    expect(scopes(await expandScope(`atproto include:${SET_NSID}`, deps))).toEqual(
      [
        'atproto',
        'repo:com.example.app.post',
        'repo:com.example.app.like?action=delete',
        'rpc:com.example.app.getFeedSkeleton?aud=*',
      ].sort(),
    )
  })

  it('keeps only repo and rpc permissions under the set’s own NSID group', async () => {
    const set = permissionSetLexicon(SET_NSID, [
      { type: 'permission', resource: 'repo', collection: ['com.example.app.post'] },
      { type: 'permission', resource: 'repo', collection: ['com.example.app.feed.generator'] },
      { type: 'permission', resource: 'repo', collection: ['com.example.other.post'] },
      { type: 'permission', resource: 'repo', collection: ['app.bsky.feed.post'] },
      { type: 'permission', resource: 'repo', collection: ['*'] },
      { type: 'permission', resource: 'repo', collection: ['com.example.app.post', 'app.bsky.feed.like'] },
      { type: 'permission', resource: 'rpc', aud: '*', lxm: ['*'] },
      { type: 'permission', resource: 'rpc', aud: '*', lxm: ['app.bsky.feed.getTimeline'] },
      { type: 'permission', resource: 'rpc', aud: 'did:web:x.example#svc', lxm: ['com.example.app.get'] },
      { type: 'permission', resource: 'blob', accept: ['*/*'] },
      { type: 'permission', resource: 'account', attr: 'email' },
      { type: 'permission', resource: 'identity', attr: '*' },
      { type: 'permission', resource: 'repo', collection: ['com.example.app.x'], unknownParam: 'narrower' },
      { type: 'permission', resource: 'spaceship', collection: ['com.example.app.x'] },
      'not an object',
      { type: 'permission', resource: 'repo', collection: [{ nested: true }] },
    ])
    const { deps } = published({ [SET_NSID]: set })
    expect(scopes(await expandScope(`atproto include:${SET_NSID}`, deps))).toEqual(
      ['atproto', 'repo:com.example.app.feed.generator', 'repo:com.example.app.post'].sort(),
    )
  })

  it('refuses an include: that cannot be resolved, whichever step fails, with invalid_scope', async () => {
    const cases: [string, ReturnType<typeof standIn>][] = [
      ['no _lexicon TXT record', standIn({ records: { [SET_NSID]: BASIC } })],
      [
        'two authorities',
        standIn({
          txt: { '_lexicon.app.example.com': [`did=${AUTHORITY_DID}`, 'did=did:plc:other'] },
          records: { [SET_NSID]: BASIC },
        }),
      ],
      ['unknown DID', standIn({ txt: { '_lexicon.app.example.com': ['did=did:plc:nobody'] } })],
      ['record missing', published({})],
      ['signed by another key', published({ [SET_NSID]: BASIC }, { signedBy: otherKey })],
      ['not a permission set', published({ [SET_NSID]: { ...BASIC, defs: { main: { type: 'query' } } } })],
      ['another schema', published({ [SET_NSID]: { ...BASIC, id: 'com.example.app.other' } })],
      ['not a lexicon record', published({ [SET_NSID]: { ...BASIC, $type: 'app.bsky.feed.post' } })],
      [
        'the PDS is unreachable',
        published(
          {},
          {
            fetch: async () => {
              throw new TypeError('network down')
            },
          },
        ),
      ],
    ]
    for (const [why, { deps }] of cases) {
      const result = await expandScope(`atproto include:${SET_NSID} repo:app.bsky.feed.post`, deps)
      expect(result, why).toMatchObject({ ok: false, error: 'invalid_scope' })
      expect(result.ok ? '' : result.message, why).toContain(SET_NSID)
    }
  })

  it('leaves a malformed include: alone (it grants nothing) instead of resolving it', async () => {
    const { deps, calls } = published({})
    expect(await expandScope('atproto include:not-an-nsid', deps)).toEqual({
      ok: true,
      scope: 'atproto include:not-an-nsid',
    })
    expect(calls).toEqual([])
  })

  it('bounds what it reads: a huge record, a huge set, too many includes', async () => {
    const huge = { ...BASIC, description: 'x'.repeat(70 * 1024) }
    expect(
      await expandScope(`atproto include:${SET_NSID}`, published({ [SET_NSID]: huge }).deps),
    ).toMatchObject({
      ok: false,
      error: 'invalid_scope',
      message: expect.stringContaining('larger than'),
    })
    const many = permissionSetLexicon(
      SET_NSID,
      Array.from({ length: 101 }, (_, i) => ({
        type: 'permission',
        resource: 'repo',
        collection: [`com.example.app.c${i}`],
      })),
    )
    expect(
      await expandScope(`atproto include:${SET_NSID}`, published({ [SET_NSID]: many }).deps),
    ).toMatchObject({
      ok: false,
      message: expect.stringContaining('more than 100 permissions'),
    })
    const { deps, calls } = published({ [SET_NSID]: BASIC })
    const eleven = Array.from({ length: 11 }, (_, i) => `include:com.example.app.set${i}`).join(' ')
    expect(await expandScope(`atproto ${eleven}`, deps)).toMatchObject({
      ok: false,
      message: expect.stringContaining('At most 10'),
    })
    expect(calls).toEqual([])
  })

  it('gives up with invalid_scope when resolution outlasts its deadline', async () => {
    let aborted = false
    const { deps } = published(
      {},
      {
        // Never answers; records whether the deadline aborted it.
        fetch: (_input, init) =>
          new Promise<Response>(() => {
            init?.signal?.addEventListener('abort', () => {
              aborted = true
            })
          }),
      },
    )
    const result = await expandScope(`atproto include:${SET_NSID}`, { ...deps, deadlineMs: 20 })
    expect(result).toMatchObject({
      ok: false,
      error: 'invalid_scope',
      message: expect.stringContaining('too long'),
    })
    expect(aborted).toBe(true)
  })

  it('caches sets: fresh for an hour, then re-resolved, a stale one used for a day if that fails', async () => {
    let now = 1_000_000
    let up = true
    const cache = new PermissionSetCache()
    const good = published({ [SET_NSID]: BASIC }, { now: () => now, cache })
    const deps: PermissionSetDeps = {
      ...good.deps,
      fetch: async (input, init) => {
        if (!up) throw new TypeError('network down')
        return good.deps.fetch(input, init)
      },
    }
    const scope = `atproto include:${SET_NSID}`
    const first = await expandScope(scope, deps)
    expect(first.ok).toBe(true)
    now += 30 * 60_000
    expect(await expandScope(scope, deps)).toEqual(first)
    expect(good.calls).toHaveLength(1)
    now += 60 * 60_000
    up = false
    expect(await expandScope(scope, deps)).toEqual(first)
    now += 24 * 60 * 60_000
    expect(await expandScope(scope, deps)).toMatchObject({ ok: false, error: 'invalid_scope' })
    up = true
    expect(await expandScope(scope, deps)).toEqual(first)
    expect(good.calls).toHaveLength(2)
  })
})
