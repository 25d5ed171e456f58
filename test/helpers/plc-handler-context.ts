/**
 * Calls the Worker's XRPC handlers directly in Node, as the owner of a did:plc registered
 * in a real in-memory PLC directory (the workerd pool's identity is a did:web). The repo
 * and account actors are stand-ins that record what they were asked.
 */
import { Secp256k1Keypair } from '@atproto/crypto'
import { type Config, parseConfig } from '../../src/shared/config'
import type { OwnerCredential } from '../../src/worker/auth/credential'
import { Params } from '../../src/worker/params'
import type { XrpcContext, XrpcMethods } from '../../src/worker/xrpc-context'
import { createPlcDid, type PlcDirectory } from './plc-directory'
import { TEST_BINDINGS } from './test-identity'

export const PDS_HOST = 'localhost:2583'
export const PDS_URL = `http://${PDS_HOST}`
export const PDS_ROTATION_KEY = '1f3a6b0c9d2e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c'

export const FULL_ACCESS: OwnerCredential = { type: 'static', did: '' }
export const APP_PASSWORD: OwnerCredential = {
  type: 'session',
  did: '',
  scope: 'com.atproto.appPass',
  appPassword: { id: 'ap1', name: 'app', privileged: false },
}

export function plcOwnerConfig(directory: PlcDirectory, did: string): Config {
  const parsed = parseConfig({
    ...TEST_BINDINGS,
    PDS_HOSTNAME: PDS_HOST,
    DID: did,
    PLC_URL: directory.url,
    PLC_ROTATION_KEY: PDS_ROTATION_KEY,
    PROXY_ALLOW_INSECURE: 'true',
  })
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.value
}

export const ownerSigningDidKey = async () => (await Secp256k1Keypair.import(TEST_BINDINGS.SIGNING_KEY)).did()

/** A did:plc as the old PDS left it: the old host, the owner's key there and the old PDS's rotation key. */
export const didAtOldPds = async (directory: PlcDirectory) =>
  createPlcDid(directory, {
    signingKey: (await Secp256k1Keypair.create()).did(),
    handle: TEST_BINDINGS.HANDLE,
    pds: 'https://old-pds.example.com',
  })

export type HandlerHarness = {
  call: (
    nsid: string,
    opts?: {
      body?: unknown
      query?: Record<string, string>
      auth?: OwnerCredential
      headers?: Record<string, string>
    },
  ) => Promise<unknown>
  calls: string[]
}

/** Runs `methods[nsid]` with a context for `config`; `calls` lists the repo/account actor calls made. */
export function handlerHarness(
  methods: XrpcMethods,
  config: Config,
  actors: {
    repo?: Record<string, (...args: never[]) => unknown>
    account?: Record<string, (...args: never[]) => unknown>
  } = {},
): HandlerHarness {
  const calls: string[] = []
  const recording = (impl: Record<string, (...args: never[]) => unknown> = {}) =>
    new Proxy(impl, {
      get:
        (target, name: string) =>
        (...args: never[]) => {
          calls.push(name)
          return target[name]?.(...args)
        },
    })
  const repo = recording(actors.repo)
  const account = recording(actors.account)
  return {
    calls,
    call: async (nsid, opts = {}) => {
      const method = methods[nsid]
      if (!method || !('handler' in method)) throw new Error(`no handler for ${nsid}`)
      const url = new URL(`${config.publicUrl}/xrpc/${nsid}`)
      for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v)
      const req =
        method.type === 'procedure'
          ? new Request(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...opts.headers },
              body: JSON.stringify(opts.body ?? {}),
            })
          : new Request(url)
      const ctx: XrpcContext = {
        req,
        env: {} as Env,
        config,
        params: new Params(url.searchParams),
        nsid,
        repo: repo as never,
        account: account as never,
        auth: { ...(opts.auth ?? FULL_ACCESS), did: config.did } as OwnerCredential,
      }
      return method.handler(ctx)
    },
  }
}
