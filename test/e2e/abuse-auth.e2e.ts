import { appendFileSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportCheck } from './harness/check-log'
import { freePort } from './harness/free-port'
import { pds } from './harness/pds-context'
import { createPdsIdentity, type PdsIdentity } from './harness/pds-identity'
import { startPds } from './harness/pds-process'
import { stopGroup } from './harness/process-group'
import type { ServerEntry } from './harness/server-registry'
import { waitFor } from './harness/wait-for'

/**
 * Login limits and logout under `wrangler dev`. The limits get a server of their own with
 * a short failure window (LOGIN_LIMIT_FAILURES), so the shared server's owner is never
 * locked out and the window can pass while the test waits.
 *
 * Hashing is observed through the server's log: the Worker logs `login hashes app
 * passwords` right before it runs PBKDF2 for a login, and nowhere else. Limited guesses
 * must add no such line. A later admitted guess is the marker that the log has caught up.
 */
const FAILURES = 5
const WINDOW_S = 15
const HASH_LINE = 'login hashes app passwords'

let server: PdsIdentity
let entry: ServerEntry

const createSession = (identifier: string, password: string) =>
  fetch(`${server.baseUrl}/xrpc/com.atproto.server.createSession`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier, password }),
  })

const hashLines = () =>
  readFileSync(entry.log, 'utf8')
    .split('\n')
    .filter((l) => l.includes(HASH_LINE)).length

/** Waits until the failure window the last 429 named has passed. */
async function waitForReset(res: Response): Promise<void> {
  const reset = Number(res.headers.get('ratelimit-reset'))
  const ms = reset * 1000 - Date.now() + 250
  if (ms > 0) await new Promise((r) => setTimeout(r, ms))
}

/** Guesses until the first 429; returns how many guesses were answered 401 and the 429. */
async function guessUntilLimited(password: (i: number) => string, max: number) {
  for (let i = 0; i < max; i++) {
    const res = await createSession(server.handle, password(i))
    if (res.status === 429) return { refusedAt: i + 1, res }
    expect(res.status).toBe(401)
  }
  throw new Error(`no 429 within ${max} guesses`)
}

describe('login limits and logout under wrangler dev', () => {
  beforeAll(async () => {
    const dir = join(pds().dir, 'abuse-auth')
    mkdirSync(dir)
    server = await createPdsIdentity(dir, await freePort())
    appendFileSync(server.envFile, `LOGIN_LIMIT_FAILURES=${FAILURES}/${WINDOW_S}s\n`)
    entry = await startPds(server, 'abuse-auth')
    const res = await fetch(`${server.baseUrl}/xrpc/com.atproto.server.createAppPassword`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.authToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'e2e' }),
    })
    expect(res.status).toBe(200)
  })

  afterAll(async () => {
    if (entry) await stopGroup(entry.pgid)
  })

  it('answers a guessing loop with 429 before attempt N, and the right password works after the window', async () => {
    const { refusedAt, res } = await guessUntilLimited((i) => `wrong password ${i}`, 50)
    expect(refusedAt).toBeLessThanOrEqual(FAILURES + 1)
    expect(await res.json()).toMatchObject({ error: 'RateLimitExceeded' })
    for (const h of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'retry-after']) {
      expect(res.headers.get(h), h).toMatch(/^\d+$/)
    }
    const refused = await createSession(server.handle, server.password)
    expect(refused.status).toBe(429)
    await waitForReset(refused)
    expect((await createSession(server.handle, server.password)).status).toBe(200)
    reportCheck(
      'login limit',
      `429 at guess ${refusedAt} of a loop; the right password works after the ${WINDOW_S} s window`,
    )
  })

  it('runs no app-password hashing for guesses once limited', async () => {
    // Start in a fresh window: guess until limited, then wait the window out.
    const first = await guessUntilLimited((i) => `wrong again ${i}`, 50)
    await waitForReset(first.res)
    const before = hashLines()
    const shaped = (i: number) => `aaaa-bbbb-cccc-${'abcdefghijklmnopqrstuvwxyz'[i % 26]}aaa`
    const { refusedAt, res } = await guessUntilLimited(shaped, 50)
    const hashed = refusedAt - 1
    for (let i = 0; i < 10; i++) expect((await createSession(server.handle, shaped(i))).status).toBe(429)
    await waitForReset(res)
    // The marker: one more shaped guess, admitted, that hashes; once its line is in, so would be any before it.
    expect((await createSession(server.handle, shaped(0))).status).toBe(401)
    await waitFor(() => hashLines() >= before + hashed + 1, 'the marker guess in the server log')
    expect(hashLines()).toBe(before + hashed + 1)
    reportCheck(
      'no hashing when limited',
      `${hashed} admitted guesses hashed; 10 limited guesses added no hashing line`,
    )
  })
})

describe('logout under wrangler dev', () => {
  it('with an old, rotated refresh token also kills the newer one', async () => {
    const id = pds()
    const call = (nsid: string, token?: string, body?: unknown) =>
      fetch(`${id.baseUrl}/xrpc/${nsid}`, {
        method: 'POST',
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      })
    const login = await call('com.atproto.server.createSession', undefined, {
      identifier: id.handle,
      password: id.password,
    })
    expect(login.status).toBe(200)
    const old = ((await login.json()) as { refreshJwt: string }).refreshJwt
    const rotated = await call('com.atproto.server.refreshSession', old)
    expect(rotated.status).toBe(200)
    const newer = ((await rotated.json()) as { refreshJwt: string }).refreshJwt
    expect((await call('com.atproto.server.deleteSession', old)).status).toBe(200)
    const after = await call('com.atproto.server.refreshSession', newer)
    expect(after.status).toBe(400)
    expect(await after.json()).toMatchObject({ error: 'ExpiredToken' })
    reportCheck('logout', 'deleteSession with the rotated-away refresh token revoked its successor')
  })
})
