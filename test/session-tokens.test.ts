import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../src/shared/config'
import { createAccessToken, createRefreshToken, verifyRefreshToken } from '../src/worker/auth/session-tokens'
import { JWT_SECRET, PASSWORD } from './helpers/session'

const utf8 = new TextEncoder()
const b64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

/** HS256 over the exact JSON given, as the hand-written signer before jose built it. */
async function handWritten(headerJson: string, payloadJson: string): Promise<string> {
  const input = `${b64url(utf8.encode(headerJson))}.${b64url(utf8.encode(payloadJson))}`
  const key = await crypto.subtle.importKey(
    'raw',
    utf8.encode(JWT_SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  return `${input}.${b64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8.encode(input))))}`
}

/** The `epoch` claim, computed here independently: HMAC-SHA256(JWT_SECRET, label + PASSWORD), 16 hex digits. */
async function epochClaim(): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    utf8.encode(JWT_SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const mac = await crypto.subtle.sign('HMAC', key, utf8.encode(`edge-pds password epoch\0${PASSWORD}`))
  return [...new Uint8Array(mac)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, 16)
}

const config = () => {
  const parsed = parseConfig(env)
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.value
}

const NOW = Date.parse('2026-03-01T12:00:00Z')
const IAT = NOW / 1000

describe('session tokens', () => {
  it('mints access tokens as before plus the epoch and generation claims, header {typ, alg}', async () => {
    const c = config()
    const token = await createAccessToken(c, {
      generation: 3,
      scope: 'com.atproto.appPass',
      appPasswordId: 'ap-1',
      now: NOW,
    })
    const payload = {
      scope: 'com.atproto.appPass',
      sub: c.did,
      aud: c.serviceDid,
      iat: IAT,
      exp: IAT + 7200,
      apw: 'ap-1',
      epoch: await epochClaim(),
      gen: 3,
    }
    expect(token).toBe(await handWritten('{"typ":"at+jwt","alg":"HS256"}', JSON.stringify(payload)))
  })

  it('mints refresh tokens as before plus the epoch claim, and verifies ones made the old way', async () => {
    const c = config()
    const expiresAtMs = NOW + 90 * 24 * 3600_000
    const token = await createRefreshToken(c, { jti: 'j1', expiresAtMs, now: NOW })
    const payload = {
      scope: 'com.atproto.refresh',
      sub: c.did,
      aud: c.serviceDid,
      jti: 'j1',
      iat: IAT,
      exp: expiresAtMs / 1000,
    }
    const header = '{"typ":"refresh+jwt","alg":"HS256"}'
    expect(token).toBe(await handWritten(header, JSON.stringify({ ...payload, epoch: await epochClaim() })))
    const old = await handWritten(header, JSON.stringify(payload))
    expect(await verifyRefreshToken(old, c, NOW)).toEqual({ sub: c.did, exp: expiresAtMs / 1000, jti: 'j1' })
  })
})
