import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { app } from '../src/worker/app'

describe('app routing', () => {
  it("matches with Hono's RegExpRouter, not the slower TrieRouter it falls back to", async () => {
    const res = await app.request('/xrpc/_health', {}, env)
    expect(res.status).toBe(200)
    expect(await res.json()).toHaveProperty('version')
    const router = app.router as unknown as { activeRouter?: { name: string } }
    expect(router.activeRouter?.name).toBe('RegExpRouter')
  })

  it('answers _health only to GET and HEAD, as a route of its own did', async () => {
    expect((await app.request('/xrpc/_health', { method: 'HEAD' }, env)).status).toBe(200)
    expect((await app.request('/xrpc/_health', { method: 'POST' }, env)).status).not.toBe(200)
  })
})
