import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseLogFormat } from '../../src/shared/config/logging'
import { createLogger, setLogFormat, textLine } from '../../src/shared/logger'

describe('logger', () => {
  afterEach(() => {
    setLogFormat('json')
    vi.restoreAllMocks()
  })

  it('writes one JSON object a line in production form', () => {
    const out = vi.spyOn(console, 'warn').mockImplementation(() => {})
    createLogger('seq').warn('relay check failed', { relay: 'https://relay.test', error: 'HTTP 502' })
    expect(JSON.parse(String(out.mock.calls[0]?.[0]))).toEqual({
      level: 'warn',
      subsystem: 'seq',
      msg: 'relay check failed',
      relay: 'https://relay.test',
      error: 'HTTP 502',
    })
  })

  it('writes a readable line in text form', () => {
    setLogFormat('text')
    const out = vi.spyOn(console, 'log').mockImplementation(() => {})
    createLogger('http').info('served', { status: 200, path: '/' })
    expect(String(out.mock.calls[0]?.[0])).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} INFO {2}http {3}served status=200 path=\/$/,
    )
    expect(textLine('error', 'repo', 'x', { error: 'two words' }, new Date(0))).toBe(
      '00:00:00.000 ERROR repo   x error="two words"',
    )
  })

  it.each(['json', 'text'] as const)('never writes a field named like a secret (%s)', (f) => {
    setLogFormat(f)
    const out = vi.spyOn(console, 'log').mockImplementation(() => {})
    createLogger('auth').info('login', {
      accessJwt: 'eyJ.secret',
      password: 'hunter2hunter2',
      authToken: 'tok',
    })
    const line = String(out.mock.calls[0]?.[0])
    expect(line).not.toMatch(/eyJ|hunter2|tok\b/)
    expect(line).toContain('[redacted]')
  })

  it('defaults to text on a loopback host and to JSON elsewhere', () => {
    expect(parseLogFormat({}, 'localhost:8787')).toEqual({ ok: true, value: 'text' })
    expect(parseLogFormat({}, 'pds.example.com')).toEqual({ ok: true, value: 'json' })
    expect(parseLogFormat({ LOG_FORMAT: 'text' }, 'pds.example.com')).toEqual({ ok: true, value: 'text' })
    expect(parseLogFormat({ LOG_FORMAT: 'xml' }, 'pds.example.com').ok).toBe(false)
  })
})
