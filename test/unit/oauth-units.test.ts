import { describe, expect, it } from 'vitest'
import { permissionsOf } from '../../src/worker/auth/permissions/permissions'
import { currentNonce, isFreshNonce, NONCE_STEP_MS } from '../../src/worker/oauth/dpop-nonce'
import { htuOf } from '../../src/worker/oauth/dpop-proof'
import { authorizationRedirect } from '../../src/worker/oauth/redirect'
import { checkRequestedScope } from '../../src/worker/oauth/scope'

const SECRET = 'unit-test-jwt-secret-0123456789'

describe('DPoP nonces', () => {
  it('accept the previous, current and next step, and nothing older or of another secret', async () => {
    const t = 1_800_000_000_000
    const nonce = await currentNonce(SECRET, t)
    expect(await isFreshNonce(SECRET, nonce, t)).toBe(true)
    expect(await isFreshNonce(SECRET, nonce, t + NONCE_STEP_MS)).toBe(true)
    expect(await isFreshNonce(SECRET, nonce, t - NONCE_STEP_MS)).toBe(true)
    expect(await isFreshNonce(SECRET, nonce, t + 2 * NONCE_STEP_MS)).toBe(false)
    expect(await isFreshNonce(`${SECRET}x`, nonce, t)).toBe(false)
    expect(await currentNonce(SECRET, t + NONCE_STEP_MS)).not.toBe(nonce)
  })
})

describe('htuOf', () => {
  it('drops query and fragment, keeps origin and path', () => {
    expect(htuOf('https://pds.test/xrpc/a.b.c?x=1#frag')).toBe('https://pds.test/xrpc/a.b.c')
    expect(htuOf('not a url')).toBeNull()
  })
})

describe('authorizationRedirect', () => {
  const request = {
    redirectUri: 'https://client.test/cb?keep=1',
    state: 's1',
    responseMode: 'query' as const,
  }

  it('adds code, state and iss to the query, keeping what the redirect URI had', () => {
    const url = new URL(authorizationRedirect(request, { code: 'c1' }, 'https://pds.test'))
    expect(Object.fromEntries(url.searchParams)).toEqual({
      keep: '1',
      code: 'c1',
      state: 's1',
      iss: 'https://pds.test',
    })
  })

  it('uses the fragment for response_mode=fragment and leaves out a missing state', () => {
    const url = new URL(
      authorizationRedirect(
        { ...request, state: null, responseMode: 'fragment' },
        { error: 'access_denied' },
        'https://pds.test',
      ),
    )
    expect(url.searchParams.get('error')).toBeNull()
    expect(Object.fromEntries(new URLSearchParams(url.hash.slice(1)))).toEqual({
      error: 'access_denied',
      iss: 'https://pds.test',
    })
  })
})

describe('scopes', () => {
  it('requires atproto and keeps the rest as given', () => {
    expect(checkRequestedScope('atproto  repo:app.example.thing?action=create')).toBe(
      'atproto repo:app.example.thing?action=create',
    )
    expect(() => checkRequestedScope('transition:generic')).toThrow(/atproto/)
    expect(() => checkRequestedScope(undefined)).toThrow(/atproto/)
  })

  it('lets only transition:email or account:email see the email', () => {
    const email = (scope: string) =>
      permissionsOf({ type: 'oauth', did: 'did:web:x', scope, clientId: 'c', grantId: 'g' }).canReadEmail()
    expect(email('atproto transition:email')).toBe(true)
    expect(email('atproto account:email')).toBe(true)
    expect(email('atproto account:email?action=read')).toBe(true)
    expect(email('atproto transition:generic')).toBe(false)
  })
})
