import { describe, expect, it } from 'vitest'
import { type Config, parseConfig, type RawSettings } from '../src/shared/config'
import { createAccessToken } from '../src/worker/auth/session-tokens'
import { readSession, SESSION_TTL_SECONDS, sessionCookie } from '../src/worker/oauth/pages/browser-session'
import { cookieJar } from '../src/worker/oauth/pages/cookies'
import { csrfRefusal, csrfToken } from '../src/worker/oauth/pages/csrf'
import { TEST_BINDINGS } from './helpers/test-identity'

const configOf = (settings: RawSettings = {}): Config => {
  const parsed = parseConfig({ ...TEST_BINDINGS, ...settings })
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.value
}

const config = configOf()
const NO_REQUEST = { signedInFor: null, generation: 0 }
const jar = cookieJar(config.publicUrl)

/** A request carrying the cookie a `Set-Cookie` value sets. */
const withCookie = (setCookie: string, extra: Record<string, string> = {}): Request =>
  new Request('https://pds.test/oauth/apps', { headers: { cookie: setCookie.split(';')[0] ?? '', ...extra } })

describe('browser session cookie', () => {
  it('reads back what it signed, with the request it was signed in for', async () => {
    const now = Date.now()
    const session = await readSession(
      withCookie(await sessionCookie(config, jar, { signedInFor: 'urn:x', generation: 3 }, now)),
      config,
      jar,
      now,
    )
    expect(session).toEqual({ signedInFor: 'urn:x', issuedAt: Math.floor(now / 1000) * 1000, generation: 3 })
  })

  it('is signed out by a new PASSWORD or JWT_SECRET, and for another DID', async () => {
    const req = withCookie(await sessionCookie(config, jar, NO_REQUEST))
    expect(await readSession(req, config, jar)).not.toBeNull()
    expect(await readSession(req, configOf({ PASSWORD: 'another-password-123' }), jar)).toBeNull()
    expect(await readSession(req, configOf({ JWT_SECRET: 'another-jwt-secret-0123456' }), jar)).toBeNull()
    expect(await readSession(req, configOf({ DID: 'did:web:other.test' }), jar)).toBeNull()
  })

  it('ends after its lifetime, at most a day', async () => {
    expect(SESSION_TTL_SECONDS).toBeLessThanOrEqual(86_400)
    const now = Date.now()
    const req = withCookie(await sessionCookie(config, jar, NO_REQUEST, now))
    expect(await readSession(req, config, jar, now + (SESSION_TTL_SECONDS - 5) * 1000)).not.toBeNull()
    expect(await readSession(req, config, jar, now + SESSION_TTL_SECONDS * 1000)).toBeNull()
  })

  it('does not take an access token (signed with JWT_SECRET itself) as a session', async () => {
    const access = await createAccessToken(config, {
      scope: 'com.atproto.access',
      appPasswordId: null,
      generation: 0,
      now: Date.now(),
    })
    expect(await readSession(withCookie(`__Host-oauth-session=${access}`), config, jar)).toBeNull()
    expect(await readSession(withCookie('__Host-oauth-session=garbage'), config, jar)).toBeNull()
  })

  it('is a __Host- Secure cookie on https and a plain one only on http://localhost', async () => {
    expect(await sessionCookie(config, jar, NO_REQUEST)).toMatch(
      /^__Host-oauth-session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/,
    )
    const local = cookieJar('http://localhost:2583')
    const set = await sessionCookie(config, local, NO_REQUEST)
    expect(set).toMatch(/^oauth-session=/)
    expect(set).not.toContain('Secure')
    // An http URL that is not loopback still gets Secure (and so no browser keeps it over http).
    expect(cookieJar('http://pds.example.com')).toEqual({ secure: true, prefix: '__Host-' })
  })
})

describe('CSRF check', () => {
  const seed = 'S'.repeat(43)
  const post = (headers: Record<string, string>) =>
    new Request('https://pds.test/oauth/authorize/consent', {
      method: 'POST',
      headers: { cookie: `__Host-oauth-csrf=${seed}`, ...headers },
    })

  it('accepts the token for its binding and seed only', async () => {
    const token = await csrfToken(config, seed, 'authorize:a')
    expect(
      await csrfRefusal(post({ origin: 'https://pds.test' }), config, jar, token, 'authorize:a'),
    ).toBeNull()
    expect(await csrfRefusal(post({}), config, jar, token, 'authorize:b')).not.toBeNull()
    const otherSeed = await csrfToken(config, 'T'.repeat(43), 'authorize:a')
    expect(await csrfRefusal(post({}), config, jar, otherSeed, 'authorize:a')).not.toBeNull()
    expect(await csrfRefusal(post({}), config, jar, null, 'authorize:a')).not.toBeNull()
  })

  it('refuses another Origin or a cross-site Sec-Fetch-Site', async () => {
    const token = await csrfToken(config, seed, 'apps')
    expect(await csrfRefusal(post({ origin: 'null' }), config, jar, token, 'apps')).not.toBeNull()
    expect(
      await csrfRefusal(post({ origin: 'https://pds.test.evil' }), config, jar, token, 'apps'),
    ).not.toBeNull()
    expect(
      await csrfRefusal(post({ 'sec-fetch-site': 'same-site' }), config, jar, token, 'apps'),
    ).not.toBeNull()
    expect(
      await csrfRefusal(post({ 'sec-fetch-site': 'same-origin' }), config, jar, token, 'apps'),
    ).toBeNull()
  })
})
