import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import pkg from '../package.json'
import type { StatusView } from '../src/worker/status/gather'
import { BASE_URL, OWNER, xrpc } from './helpers/client'
import { subscribe } from './helpers/firehose-client'
import { settledHead } from './helpers/sequencer'
import { login } from './helpers/session'

async function status(headers: Record<string, string> = {}): Promise<StatusView> {
  const res = await SELF.fetch(new URL('/', BASE_URL), {
    headers: { accept: 'application/json', ...headers },
  })
  expect(res.status).toBe(200)
  expect(res.headers.get('cache-control')).toBe('no-store')
  return (await res.json()) as StatusView
}

async function create(collection: string, text: string): Promise<void> {
  const res = await xrpc('com.atproto.repo.createRecord', {
    body: {
      repo: OWNER.did,
      collection,
      record: { $type: collection, text, createdAt: new Date().toISOString() },
    },
  })
  expect(res.status).toBe(200)
  await res.body?.cancel()
}

/** The keys of every object in a value, at any depth. */
function allKeys(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) allKeys(v, out)
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.add(k)
      allKeys(v, out)
    }
  return out
}

describe('the status page', () => {
  it('counts records per collection and the firehose head after writes', async () => {
    const before = await status()
    await create('com.example.status.alpha', 'a1')
    await create('com.example.status.alpha', 'a2')
    await create('com.example.status.beta', 'b1')
    const after = await status()
    const count = (v: StatusView, c: string) =>
      v.repo.collections.find((x) => x.collection === c)?.records ?? 0
    expect(count(after, 'com.example.status.alpha') - count(before, 'com.example.status.alpha')).toBe(2)
    expect(count(after, 'com.example.status.beta') - count(before, 'com.example.status.beta')).toBe(1)
    expect(after.repo.records - before.repo.records).toBe(3)
    expect(after.account).toEqual({ did: OWNER.did, handle: OWNER.handle, active: true, status: null })
    expect(after.version).toBe(pkg.version)
    expect(after.repo.blocks).toBeGreaterThan(before.repo.blocks)
    expect(after.repo.blockBytes).toBeGreaterThan(0)
    expect(Date.parse(after.repo.revTime ?? '')).toBeGreaterThan(Date.now() - 60_000)

    // The firehose head is the seq of the last commit, as a subscriber from 0 sees it
    // (once delivery, paced after a commit, has reached the sequencer).
    await settledHead()
    const settled = await status()
    const head = settled.firehose.head
    const sub = await subscribe(0)
    try {
      const frames = await sub.waitFor(settled.firehose.retainedEvents)
      expect(frames.at(-1)?.body.seq).toBe(head)
      expect(head).toBeGreaterThanOrEqual(before.firehose.head + 3)
      const open = await status()
      expect(open.firehose.subscribers).toBeGreaterThanOrEqual(1)
      expect(open.firehose.retainedEvents).toBeGreaterThanOrEqual(3)
      expect(open.firehose.oldestSeq).not.toBeNull()
    } finally {
      sub.close()
    }
  })

  it("omits private detail from the public view and adds it to the owner's", async () => {
    const sub = await subscribe()
    try {
      await create('com.example.status.gamma', 'g1')
      const pub = await status()
      expect(pub.owner).toBe(false)
      const keys = allKeys(pub)
      for (const k of ['clients', 'live', 'backfill', 'detail', 'pending']) expect(keys.has(k)).toBe(false)
      const text = JSON.stringify(pub)
      expect(text).not.toContain(OWNER.authToken)
      expect(text).not.toMatch(/127\.0\.0\.1|::1|unknown/)

      const asToken = await status({ authorization: `Bearer ${OWNER.authToken}` })
      expect(asToken.owner).toBe(true)
      expect(asToken.firehose.shards[0]).toMatchObject({
        clients: expect.any(Number),
        live: expect.any(Number),
      })
      expect(asToken.blobs.pending).toEqual(expect.any(Number))

      const session = await login()
      expect((await status({ authorization: `Bearer ${session.accessJwt}` })).owner).toBe(true)
      expect((await status({ authorization: 'Bearer not-a-token' })).owner).toBe(false)
    } finally {
      sub.close()
    }
  })

  it('renders HTML with a CSP that loads nothing but the inline style', async () => {
    await create('com.example.status.html', '<script>alert(1)</script>')
    const res = await SELF.fetch(new URL('/', BASE_URL), { headers: { accept: 'text/html' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; style-src 'unsafe-inline'/,
    )
    const html = await res.text()
    expect(html).toContain(OWNER.handle)
    expect(html).toContain('data-k="collection:com.example.status.html"')
    expect(html).not.toMatch(/<script|<link|src=/)
  })
})
