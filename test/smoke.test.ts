import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'

describe('smoke', () => {
  it('runs @atproto/repo', async () => {
    const stub = (env as any).REPO.get((env as any).REPO.idFromName('x'))
    const cid = await stub.smoke()
    expect(cid).toMatch(/^bafyrei/)
  })
})
