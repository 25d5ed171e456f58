import { execFile } from 'node:child_process'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)

/** A stand-in PDS with the four methods the script calls; it records the calls. */
const calls: string[] = []
let pending: string | null = null
const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
  const url = new URL(req.url ?? '/', 'http://x')
  const nsid = url.pathname.slice('/xrpc/'.length)
  calls.push(nsid)
  let body = ''
  for await (const chunk of req) body += chunk
  const json = (status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(value))
  }
  if (nsid === 'com.atproto.sync.listRepos') return json(200, { repos: [{ did: 'did:plc:owner' }] })
  if (nsid === 'com.atproto.server.createSession') {
    const { identifier, password } = JSON.parse(body) as { identifier: string; password: string }
    if (identifier !== 'did:plc:owner' || password !== 'main-password')
      return json(401, { error: 'AuthenticationRequired', message: 'Invalid identifier or password' })
    return json(200, { accessJwt: 'access' })
  }
  if (req.headers.authorization !== 'Bearer access') return json(401, { error: 'AuthenticationRequired' })
  if (nsid === 'com.atproto.identity.requestPlcOperationSignature') {
    pending = 'ABCDE-FGHJK'
    return json(200, {})
  }
  if (nsid === 'dev.edgepds.identity.getPlcOperationToken') {
    if (!pending) return json(400, { error: 'InvalidRequest', message: 'No PLC operation token is pending' })
    return json(200, { token: pending, expiresAt: '2030-01-01T00:00:00.000Z' })
  }
  json(404, {})
})

let url = ''
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const script = (password: string, ...args: string[]) =>
  run(process.execPath, ['scripts/plc-token.mjs', '--url', url, ...args], {
    env: { ...process.env, PDS_PASSWORD: password },
  })

describe('npm run plc-token', () => {
  it('requests a token when none is pending and prints only the token', async () => {
    const { stdout } = await script('main-password')
    expect(stdout).toBe('ABCDE-FGHJK\n')
    expect(calls).toEqual([
      'com.atproto.sync.listRepos',
      'com.atproto.server.createSession',
      'dev.edgepds.identity.getPlcOperationToken',
      'com.atproto.identity.requestPlcOperationSignature',
      'dev.edgepds.identity.getPlcOperationToken',
    ])
  })

  it('prints the pending token without requesting a new one', async () => {
    calls.length = 0
    const { stdout } = await script('main-password', '--identifier', 'did:plc:owner')
    expect(stdout).toBe('ABCDE-FGHJK\n')
    expect(calls).not.toContain('com.atproto.identity.requestPlcOperationSignature')
  })

  it('fails with the login error and prints nothing on stdout', async () => {
    const failed = await script('wrong-password').catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    )
    expect(failed).toMatchObject({ code: 1, stdout: '' })
    expect((failed as { stderr: string }).stderr).toContain('login failed: 401')
  })
})
