import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type DevVars, generateDevVars, localHostname, writeDevVars } from '../../../scripts/lib/dev-vars.mjs'

/** Everything a test needs to reach and log in to the PDS under test (JSON-serialisable). */
export type PdsIdentity = {
  port: number
  /** `http://localhost:<port>`, the DID document's `#atproto_pds` endpoint. */
  baseUrl: string
  did: string
  handle: string
  password: string
  authToken: string
  /** The throwaway signing key (hex), to forge correctly signed commits in the relay's self-checks. */
  signingKeyHex: string
  /** The temp directory holding the settings file, the state, the logs and the current server. */
  dir: string
  envFile: string
  stateDir: string
}

const HEADER = ['# Throwaway identity for one `npm run test:e2e` run; deleted when the run ends.']

/**
 * A fresh did:web identity for `localhost:<port>` written to a temp dotenv file in `dir`,
 * the same settings `npm start` generates, plus `RELAYS=` so no requestCrawl leaves the machine.
 */
export async function createPdsIdentity(dir: string, port: number): Promise<PdsIdentity> {
  const vars: DevVars = { ...(await generateDevVars(port)), RELAYS: '' }
  const envFile = join(dir, 'pds.env')
  writeDevVars(envFile, vars, HEADER)
  const stateDir = join(dir, 'state')
  mkdirSync(stateDir)
  const need = (key: string): string => {
    const value = vars[key]
    if (!value) throw new Error(`generated settings lack ${key}`)
    return value
  }
  return {
    port,
    baseUrl: `http://${localHostname(port)}`,
    did: need('DID'),
    handle: need('HANDLE'),
    password: need('PASSWORD'),
    authToken: need('AUTH_TOKEN'),
    signingKeyHex: need('SIGNING_KEY'),
    dir,
    envFile,
    stateDir,
  }
}
