import { describe, expect, it } from 'vitest'
import { getBlob, tinyPng, upload } from './helpers/blobs'
import { OWNER, xrpc } from './helpers/client'
import { callAs } from './helpers/session'
import { STAND_IN } from './helpers/stand-in-services'

const hardened = (res: Response) => ({
  nosniff: res.headers.get('x-content-type-options'),
  csp: res.headers.get('content-security-policy'),
})

describe('XRPC responses', () => {
  it.each([
    ['a query', 'com.atproto.server.describeServer', {}],
    ['a refusal', 'com.atproto.repo.getRecord', { repo: OWNER.did, collection: 'bad nsid', rkey: 'x' }],
    ['an unknown method', 'com.example.nothing.here', {}],
    ['a proxied call', 'app.bsky.feed.getTimeline', {}],
  ] as const)('carry nosniff and a CSP that loads nothing: %s', async (_case, nsid, query) => {
    const res = await xrpc(nsid, { query: { ...query } })
    await res.body?.cancel()
    expect(hardened(res)).toEqual({ nosniff: 'nosniff', csp: "default-src 'none'" })
  })

  it('keep the sandboxing CSP of getBlob', async () => {
    const { blob } = await upload(await tinyPng(0x33), 'image/png')
    const linked = await xrpc('com.atproto.repo.createRecord', {
      body: { repo: OWNER.did, collection: 'com.example.pic', record: { img: blob } },
    })
    expect(linked.status).toBe(200)
    const res = await getBlob(blob.ref.$link)
    expect(res.status).toBe(200)
    await res.body?.cancel()
    expect(hardened(res)).toEqual({ nosniff: 'nosniff', csp: "default-src 'none'; sandbox" })
  })

  it.each(['text/html', 'text/html; charset=utf-8', 'image/svg+xml', 'application/xhtml+xml', 'text/xml'])(
    'never pass on a proxied %s, which a browser would render as a page of this origin',
    async (type) => {
      const res = await callAs(OWNER.authToken, 'com.example.labels.page', {
        query: { type },
        headers: { 'atproto-proxy': `${STAND_IN.labeler.did}${STAND_IN.labeler.service}` },
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/octet-stream')
      await res.body?.cancel()
    },
  )
})
