import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CheckEnv, defaultCheckEnv, formatCheck, runChecks } from '../../tools/deploy/checks'
import { reportCheck } from './harness/check-log'
import { freePort } from './harness/free-port'
import { loopbackFetch } from './harness/loopback-fetch'
import { pds } from './harness/pds-context'
import { createPdsIdentity, type PdsIdentity } from './harness/pds-identity'
import { spawnPds } from './harness/pds-process'
import { stopGroup } from './harness/process-group'

const ROOT = new URL('../../', import.meta.url).pathname

/** A relay stand-in that accepts requestCrawl and remembers the hostnames it was asked for. */
function standInRelay(): { server: Server; asked: string[] } {
  const asked: string[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => {
      body += c
    })
    req.on('end', () => {
      if (req.url === '/xrpc/com.atproto.sync.requestCrawl' && req.method === 'POST') {
        asked.push((JSON.parse(body) as { hostname: string }).hostname)
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      } else res.writeHead(404).end()
    })
  })
  return { server, asked }
}

/**
 * The network as the checks see it locally: loopback only, no DNS, and the handle's host
 * (`owner.localhost`, which no resolver answers) routed to the PDS as a custom domain would be.
 */
const localEnv = (pdsUrl: string, relays: string[]): CheckEnv =>
  defaultCheckEnv({
    fetch: loopbackFetch,
    resolveTxt: async () => [],
    handleOrigin: () => pdsUrl,
    relays,
  })

describe('deploy checks', () => {
  let relay: ReturnType<typeof standInRelay>
  let relayUrl: string
  beforeAll(async () => {
    relay = standInRelay()
    const port = await freePort()
    await new Promise<void>((r) => relay.server.listen(port, '127.0.0.1', r))
    relayUrl = `http://127.0.0.1:${port}`
  })
  afterAll(async () => {
    await new Promise((r) => relay.server.close(r))
  })

  it('all pass against the shared wrangler dev server, and the relay is asked to crawl it', async () => {
    const id = pds()
    const results = await runChecks(id.baseUrl, localEnv(id.baseUrl, [relayUrl]))
    const lines = results.map(formatCheck)
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([])
    expect(results.map((r) => r.name)).toEqual([
      'describeServer',
      'repo listed',
      'DID document',
      'resolveHandle',
      'handle → DID (well-known or DNS)',
      'getRepo verifies',
      `requestCrawl ${relayUrl}`,
    ])
    expect(relay.asked).toEqual([`localhost:${id.port}`])
    reportCheck('deploy checks', `${results.length} checks pass against ${id.baseUrl}`)
  })

  it('a host whose DID document names another host fails with a line saying so', async () => {
    const source = pds()
    const dir = mkdtempSync(join(tmpdir(), 'edge-pds-e2e-checks-'))
    try {
      const own: PdsIdentity = await createPdsIdentity(dir, await freePort())
      // The shared server's DID, whose did:web document is served by the shared server.
      writeFileSync(
        own.envFile,
        readFileSync(own.envFile, 'utf8').replace(/^DID=.*$/m, `DID=${source.did}`),
        {
          mode: 0o600,
        },
      )
      const pgid = await spawnPds(own, {
        cwd: ROOT,
        log: join(dir, 'other.log'),
        readyPath: '/xrpc/com.atproto.server.describeServer',
      })
      try {
        const results = await runChecks(own.baseUrl, localEnv(own.baseUrl, []))
        const failed = results.filter((r) => !r.ok).map(formatCheck)
        expect(failed[0]).toBe(
          `FAIL DID document: names the PDS ${source.baseUrl}, not this host ${own.baseUrl}`,
        )
        expect(results.find((r) => r.name === 'describeServer')?.ok).toBe(true)
        expect(results.find((r) => r.name === 'getRepo verifies')?.ok).toBe(false)
        reportCheck('deploy checks', failed[0] ?? '')
      } finally {
        await stopGroup(pgid)
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
