import { describe, expect, it } from 'vitest'
import { describeScope, listWords } from '../../src/worker/oauth/pages/permission-words'
import { withError } from '../../src/worker/oauth/pages/prompt-error'

const texts = (scope: string) => describeScope(scope).map((l) => l.text)

describe('permission words', () => {
  it.each([
    ['repo:app.bsky.feed.post', 'Create, update and delete posts'],
    ['repo:app.bsky.feed.like?action=create', 'Create likes'],
    ['repo:app.bsky.graph.follow?action=create&action=delete', 'Create and delete follows'],
    ['repo:com.example.thing?action=update', 'Update com.example.thing records'],
    ['repo:*', 'Create, update and delete records of every kind'],
    ['blob:image/*', 'Upload images'],
    ['blob?accept=image/*&accept=video/*', 'Upload images and videos'],
    ['blob:*/*', 'Upload files of any type'],
    ['rpc:*?aud=did:web:api.bsky.app%23bsky_appview', 'Call the Bluesky app view on your behalf'],
    [
      'rpc:app.bsky.feed.getTimeline?aud=did:web:api.bsky.app%23bsky_appview',
      'Call app.bsky.feed.getTimeline on the Bluesky app view on your behalf',
    ],
    [
      'rpc:chat.bsky.convo.sendMessage?aud=*',
      'Call chat.bsky.convo.sendMessage on any service on your behalf',
    ],
    ['transition:generic', 'Full access to your account like an app password'],
    ['transition:email', 'See your email address'],
    ['account:email?action=manage', 'See and change your email address'],
    ['account:status?action=manage', 'Deactivate or reactivate your account'],
    ['identity:handle', 'Change your handle'],
    ['atproto', 'Know your handle and DID'],
  ])('%s reads "%s"', (scope, words) => {
    expect(texts(scope)[0]).toContain(words)
  })

  it('shows an unknown scope as it is, as a broad one', () => {
    expect(describeScope('frobnicate:all')).toEqual([
      {
        text: 'A permission this server does not know: frobnicate:all',
        broad: true,
        scope: 'frobnicate:all',
      },
    ])
  })

  it('one line per collection, broad first, atproto last, duplicates merged', () => {
    expect(
      texts(
        'atproto repo?collection=app.bsky.feed.post&collection=app.bsky.feed.like blob:image/* blob:image/* identity:*',
      ),
    ).toEqual([
      'Change your handle and your identity (DID document)',
      'Create, update and delete posts',
      'Create, update and delete likes',
      'Upload images',
      'Know your handle and DID',
    ])
  })

  it('joins words as a sentence does', () => {
    expect([listWords([]), listWords(['a']), listWords(['a', 'b']), listWords(['a', 'b', 'c'])]).toEqual([
      '',
      'a',
      'a and b',
      'a, b and c',
    ])
  })
})

describe('prompt=none errors', () => {
  it('replaces the error in the query, keeping state and iss', () => {
    const url = new URL(
      withError(
        'https://app.example/cb?error=access_denied&state=s&iss=https%3A%2F%2Fpds',
        'login_required',
        'x',
      ),
    )
    expect(url.searchParams.get('error')).toBe('login_required')
    expect(url.searchParams.get('state')).toBe('s')
    expect(url.searchParams.get('iss')).toBe('https://pds')
  })

  it('replaces it in the fragment when the response is in the fragment', () => {
    const url = new URL(
      withError('https://app.example/cb?keep=1#error=access_denied&state=s', 'consent_required', 'y'),
    )
    expect(url.searchParams.get('keep')).toBe('1')
    expect(url.searchParams.has('error')).toBe(false)
    const hash = new URLSearchParams(url.hash.slice(1))
    expect(hash.get('error')).toBe('consent_required')
    expect(hash.get('state')).toBe('s')
  })
})
