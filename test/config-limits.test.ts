import { describe, expect, it } from 'vitest'
import { parseConfig } from '../src/shared/config'
import { DEFAULT_LIMITS, parseLimits } from '../src/shared/config/limits'
import { TEST_BINDINGS } from './helpers/test-identity'

const MINUTE = 60_000

describe('parseLimits', () => {
  it('defaults to 30 failed logins per 5 minutes and 300 a day, 5,000 writes and 5 GiB an hour', () => {
    const parsed = parseLimits({})
    expect(parsed).toEqual({
      ok: true,
      value: {
        loginFailures: [
          { limit: 30, windowMs: 5 * MINUTE },
          { limit: 300, windowMs: 1440 * MINUTE },
        ],
        loginAttempts: [
          { limit: 60, windowMs: 5 * MINUTE },
          { limit: 600, windowMs: 1440 * MINUTE },
        ],
        loginGlobal: [
          { limit: 300, windowMs: 5 * MINUTE },
          { limit: 3000, windowMs: 1440 * MINUTE },
        ],
        recordWrites: [{ limit: 5000, windowMs: 60 * MINUTE }],
        blobBytes: [{ limit: 5 * 1024 ** 3, windowMs: 60 * MINUTE }],
        oauthRequests: [
          { limit: 300, windowMs: 5 * MINUTE },
          { limit: 3000, windowMs: 1440 * MINUTE },
        ],
      },
    })
  })

  it('reads rules in s, m, h and d', () => {
    const parsed = parseLimits({ LOGIN_LIMIT_FAILURES: ' 5/20s, 10/2h ', WRITE_LIMIT_RECORDS: '7/1d' })
    if (!parsed.ok) throw new Error(parsed.message)
    expect(parsed.value.loginFailures).toEqual([
      { limit: 5, windowMs: 20_000 },
      { limit: 10, windowMs: 2 * 60 * MINUTE },
    ])
    expect(parsed.value.recordWrites).toEqual([{ limit: 7, windowMs: 1440 * MINUTE }])
  })

  it.each(Object.keys(DEFAULT_LIMITS))('refuses a malformed %s, naming it', (name) => {
    for (const bad of ['30', '0/5m', '30/5w', '-1/5m', '30/0m', 'many/5m', '30/5m,']) {
      const parsed = parseLimits({ [name]: bad })
      expect(parsed.ok).toBe(false)
      if (!parsed.ok) expect(parsed.message).toContain(name)
    }
  })

  it('is part of parseConfig (config.limits), and a bad one makes the config invalid', () => {
    const good = parseConfig({ ...TEST_BINDINGS, WRITE_LIMIT_RECORDS: '10/1h' })
    expect(good.ok && good.value.limits.recordWrites).toEqual([{ limit: 10, windowMs: 60 * MINUTE }])
    const bad = parseConfig({ ...TEST_BINDINGS, WRITE_LIMIT_BLOB_BYTES: 'lots' })
    expect(bad).toMatchObject({ ok: false, error: 'InvalidConfig' })
  })
})

describe('secret minimums', () => {
  it('refuses a PASSWORD under 12 characters, naming it', () => {
    const r = parseConfig({ ...TEST_BINDINGS, PASSWORD: 'elevenchars' })
    expect(r).toMatchObject({ ok: false, error: 'InvalidConfig' })
    if (!r.ok) expect(r.message).toContain('PASSWORD')
    expect(parseConfig({ ...TEST_BINDINGS, PASSWORD: 'twelve-chars' }).ok).toBe(true)
  })

  it('refuses an AUTH_TOKEN under 32 characters, naming it; unset stays allowed', () => {
    const r = parseConfig({ ...TEST_BINDINGS, AUTH_TOKEN: 'x'.repeat(31) })
    expect(r).toMatchObject({ ok: false, error: 'InvalidConfig' })
    if (!r.ok) expect(r.message).toContain('AUTH_TOKEN')
    expect(parseConfig({ ...TEST_BINDINGS, AUTH_TOKEN: 'x'.repeat(32) }).ok).toBe(true)
    expect(parseConfig({ ...TEST_BINDINGS, AUTH_TOKEN: undefined }).ok).toBe(true)
  })
})
