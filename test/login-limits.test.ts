import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { moveAccountClock, resetAccountActor, setAccountLimits } from './helpers/account-actor'
import { OWNER } from './helpers/client'
import { callAs, login, PASSWORD } from './helpers/session'
import { expectXrpcError } from './helpers/xrpc-expect'

const MINUTE = 60_000
const RULE = { limit: 5, windowMs: 5 * MINUTE }

function attempt(password: string, identifier = OWNER.handle, ip = '198.51.100.1'): Promise<Response> {
  return callAs(null, 'com.atproto.server.createSession', {
    body: { identifier, password },
    headers: { 'cf-connecting-ip': ip },
  })
}

async function guess(times: number, opts: { identifier?: string; ip?: string; password?: string } = {}) {
  for (let i = 0; i < times; i++) {
    const res = await attempt(opts.password ?? `wrong-password-${i}`, opts.identifier, opts.ip)
    expect(res.status, await res.text()).toBe(401)
  }
}

describe('createSession limits', () => {
  let days = 0
  beforeEach(async () => {
    // Each test starts in fresh windows, two days past the previous test's.
    days += 2
    await moveAccountClock(days * 86_400_000)
  })
  afterEach(async () => {
    vi.restoreAllMocks()
    await resetAccountActor()
  })

  it('answers 429 RateLimitExceeded with ratelimit headers once the failures are used up, even for the right password', async () => {
    await setAccountLimits({ loginFailures: [RULE] })
    await guess(RULE.limit)
    const res = await attempt(PASSWORD)
    await expectXrpcError(res.clone(), 429, 'RateLimitExceeded')
    expect(res.headers.get('ratelimit-limit')).toBe('5')
    expect(res.headers.get('ratelimit-remaining')).toBe('0')
    const reset = Number(res.headers.get('ratelimit-reset'))
    expect(reset % (RULE.windowMs / 1000)).toBe(0)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
  })

  it('lets the right password in again once the window has passed', async () => {
    await setAccountLimits({ loginFailures: [RULE] })
    await guess(RULE.limit)
    await expectXrpcError(await attempt(PASSWORD), 429, 'RateLimitExceeded')
    await moveAccountClock(RULE.windowMs)
    expect((await attempt(PASSWORD)).status).toBe(200)
  })

  it('runs no PBKDF2 for an app-password-shaped guess once limited', async () => {
    await setAccountLimits({ loginFailures: [RULE] })
    const app = await callAs(OWNER.authToken, 'com.atproto.server.createAppPassword', {
      body: { name: 'limits' },
    })
    expect(app.status).toBe(200)
    const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits')
    await guess(RULE.limit, { password: 'aaaa-bbbb-cccc-dddd' })
    expect(deriveBits).toHaveBeenCalledTimes(RULE.limit)
    deriveBits.mockClear()
    for (let i = 0; i < 3; i++)
      await expectXrpcError(await attempt('aaaa-bbbb-cccc-dddd'), 429, 'RateLimitExceeded')
    expect(deriveBits).not.toHaveBeenCalled()
  })

  it('counts every spelling of the owner as one identifier', async () => {
    await setAccountLimits({ loginFailures: [RULE] })
    await guess(2, { identifier: OWNER.handle, ip: '198.51.100.1' })
    await guess(2, { identifier: `@${OWNER.handle.toUpperCase()}`, ip: '198.51.100.2' })
    await guess(1, { identifier: OWNER.did, ip: '198.51.100.3' })
    await expectXrpcError(await attempt(PASSWORD, OWNER.did, '198.51.100.4'), 429, 'RateLimitExceeded')
  })

  it('limits one client IP across identifiers, and not other IPs', async () => {
    await setAccountLimits({ loginFailures: [RULE] })
    for (let i = 0; i < RULE.limit; i++) {
      expect((await attempt('nope-nope-nope', `someone${i}.example`, '203.0.113.7')).status).toBe(401)
    }
    await expectXrpcError(await attempt(PASSWORD, OWNER.handle, '203.0.113.7'), 429, 'RateLimitExceeded')
    expect((await attempt(PASSWORD, OWNER.handle, '203.0.113.8')).status).toBe(200)
  })

  it('does not count successful logins as failures, and a success does not reset the failures', async () => {
    await setAccountLimits({ loginFailures: [RULE] })
    for (let i = 0; i < RULE.limit + 2; i++) expect((await attempt(PASSWORD)).status).toBe(200)
    await guess(RULE.limit - 1)
    expect((await attempt(PASSWORD)).status).toBe(200)
    await guess(1)
    await expectXrpcError(await attempt(PASSWORD), 429, 'RateLimitExceeded')
  })

  it('limits all attempts per identifier, successful ones included', async () => {
    await setAccountLimits({ loginAttempts: [{ limit: 3, windowMs: MINUTE }] })
    for (let i = 0; i < 3; i++) expect((await attempt(PASSWORD)).status).toBe(200)
    await expectXrpcError(await attempt(PASSWORD), 429, 'RateLimitExceeded')
  })

  it('limits all logins overall, whoever and wherever they come from', async () => {
    await setAccountLimits({ loginGlobal: [{ limit: 4, windowMs: MINUTE }] })
    for (let i = 0; i < 4; i++) {
      expect((await attempt('nope-nope-nope', `someone${i}.example`, `192.0.2.${i}`)).status).toBe(401)
    }
    const res = await attempt(PASSWORD, OWNER.handle, '192.0.2.99')
    await expectXrpcError(res.clone(), 429, 'RateLimitExceeded')
    expect(res.headers.get('ratelimit-limit')).toBe('4')
  })

  it('keeps the default limits of the order of the reference (30 failures per 5 minutes)', async () => {
    await guess(30)
    await expectXrpcError(await attempt(PASSWORD), 429, 'RateLimitExceeded')
    await moveAccountClock(5 * MINUTE)
    expect((await login()).accessJwt).toBeTruthy()
  })
})
