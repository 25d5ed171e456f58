import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { withHeaders } from '../src/worker/response-headers'
import { BASE_URL } from './helpers/client'

describe('withHeaders', () => {
  it('sets headers on a response it may change, without a copy', () => {
    const res = new Response('{}', { headers: { 'content-type': 'application/json' } })
    const out = withHeaders(res, (h) => h.set('x-content-type-options', 'nosniff'))
    expect(out).toBe(res)
    expect(out.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('copies a response whose headers are immutable, keeping status and body', async () => {
    const fetched = await SELF.fetch(new URL('/xrpc/_health', BASE_URL))
    expect(() => fetched.headers.set('x-probe', '1')).toThrow(TypeError)
    const out = withHeaders(fetched, (h) => h.set('x-probe', '1'))
    expect(out).not.toBe(fetched)
    expect(out.status).toBe(200)
    expect(out.headers.get('x-probe')).toBe('1')
    expect(out.headers.get('content-security-policy')).toBe("default-src 'none'")
    expect(await out.json()).toHaveProperty('version')
  })
})
