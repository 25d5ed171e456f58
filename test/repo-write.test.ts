import { describe, expect, it } from 'vitest'
import { agent, OWNER } from './helpers/client'

describe('repo writes', () => {
  it('creates a post and reads it back', async () => {
    const a = agent()
    const created = await a.com.atproto.repo.createRecord({
      repo: OWNER.did,
      collection: 'app.bsky.feed.post',
      record: { $type: 'app.bsky.feed.post', text: 'hello', createdAt: new Date().toISOString() },
    })
    expect(created.data.uri).toMatch(/^at:\/\/did:web:pds.test\/app.bsky.feed.post\//)
    expect(created.data.validationStatus).toBe('valid')
    const rkey = created.data.uri.split('/').pop() as string
    const got = await a.com.atproto.repo.getRecord({
      repo: OWNER.did,
      collection: 'app.bsky.feed.post',
      rkey,
    })
    expect(got.data.cid).toBe(created.data.cid)
    expect((got.data.value as { text: string }).text).toBe('hello')
  })
})
