import { afterEach, describe, expect, it } from 'vitest'
import { moveAccountClock, resetAccountActor, setAccountLimits } from './helpers/account-actor'
import { BASE_URL, OWNER, workerFetch } from './helpers/client'
import { callAs, login } from './helpers/session'
import { expectXrpcError } from './helpers/xrpc-expect'

const HOUR = 3_600_000

const post = (i: number) => ({ text: `limit ${i}`, createdAt: new Date().toISOString() })
const createRecord = (token: string, i = 0) =>
  callAs(token, 'com.atproto.repo.createRecord', {
    body: { repo: OWNER.did, collection: 'app.bsky.feed.post', record: post(i) },
  })

function uploadBlob(token: string, bytes: Uint8Array, chunked = false): Promise<Response> {
  const body = chunked
    ? new ReadableStream({
        start(c) {
          c.enqueue(bytes)
          c.close()
        },
      })
    : bytes
  return workerFetch(`${BASE_URL}/xrpc/com.atproto.repo.uploadBlob`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
    body,
    ...(chunked ? { duplex: 'half' } : {}),
  } as RequestInit)
}

async function appPasswordSession(name: string): Promise<string> {
  const res = await callAs(OWNER.authToken, 'com.atproto.server.createAppPassword', { body: { name } })
  const { password } = (await res.json()) as { password: string }
  return (await login(password)).accessJwt
}

describe('write and upload limits per credential', () => {
  let hours = 0
  afterEach(async () => {
    await resetAccountActor()
    // The next test counts in fresh windows.
    hours += 2
    await moveAccountClock(hours * HOUR)
  })

  it('refuses record writes over the hourly quota with 429 and ratelimit headers, then lets them in the next hour', async () => {
    await setAccountLimits({ recordWrites: [{ limit: 3, windowMs: HOUR }] })
    for (let i = 0; i < 3; i++) expect((await createRecord(OWNER.authToken, i)).status).toBe(200)
    const res = await createRecord(OWNER.authToken)
    await expectXrpcError(res.clone(), 429, 'RateLimitExceeded')
    expect(res.headers.get('ratelimit-limit')).toBe('3')
    expect(res.headers.get('ratelimit-remaining')).toBe('0')
    expect(Number(res.headers.get('ratelimit-reset')) % 3600).toBe(0)
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/)
    await moveAccountClock(HOUR)
    expect((await createRecord(OWNER.authToken)).status).toBe(200)
  })

  it('counts each credential apart: the static token, the main password, each app password', async () => {
    await setAccountLimits({ recordWrites: [{ limit: 2, windowMs: HOUR }] })
    const session = (await login()).accessJwt
    const app = await appPasswordSession('quota-a')
    for (const token of [OWNER.authToken, session, app]) {
      for (let i = 0; i < 2; i++) expect((await createRecord(token, i)).status).toBe(200)
      await expectXrpcError(await createRecord(token), 429, 'RateLimitExceeded')
    }
  })

  it('counts every write of applyWrites, and a refused batch costs nothing', async () => {
    await setAccountLimits({ recordWrites: [{ limit: 5, windowMs: HOUR }] })
    const batch = (n: number) =>
      callAs(OWNER.authToken, 'com.atproto.repo.applyWrites', {
        body: {
          repo: OWNER.did,
          writes: Array.from({ length: n }, (_, i) => ({
            $type: 'com.atproto.repo.applyWrites#create',
            collection: 'app.bsky.feed.post',
            value: post(i),
          })),
        },
      })
    expect((await batch(3)).status).toBe(200)
    await expectXrpcError(await batch(3), 429, 'RateLimitExceeded')
    expect((await batch(2)).status).toBe(200)
    await expectXrpcError(await createRecord(OWNER.authToken), 429, 'RateLimitExceeded')
  })

  it('refuses blob bytes over the hourly quota, declared or chunked', async () => {
    await setAccountLimits({ blobBytes: [{ limit: 100, windowMs: HOUR }] })
    const bytes = (n: number, seed: number) => new Uint8Array(n).fill(seed)
    expect((await uploadBlob(OWNER.authToken, bytes(60, 1))).status).toBe(200)
    await expectXrpcError(await uploadBlob(OWNER.authToken, bytes(60, 2)), 429, 'RateLimitExceeded')
    // A chunked upload has no declared size: admitted while there is room, charged once stored.
    expect((await uploadBlob(OWNER.authToken, bytes(50, 3), true)).status).toBe(200)
    await expectXrpcError(await uploadBlob(OWNER.authToken, bytes(1, 4), true), 429, 'RateLimitExceeded')
    await moveAccountClock(HOUR)
    expect((await uploadBlob(OWNER.authToken, bytes(60, 5))).status).toBe(200)
  })
})
