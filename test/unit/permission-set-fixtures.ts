/** A lexicon authority publishing signed permission sets, through stand-in DNS and PDS fetches. */
import { Secp256k1Keypair } from '@atproto/crypto'
import { concatBytes, getRecords, MemoryBlockstore, Repo, WriteOpAction } from '@atproto/repo'
import {
  type ExpandedScope,
  PermissionSetCache,
  type PermissionSetDeps,
} from '../../src/worker/auth/permissions/permission-sets'

export const AUTHORITY_DID = 'did:plc:lexiconauthority234567'
export const AUTHORITY_PDS = 'https://pds.lexicon.example'
export const SET_NSID = 'com.example.app.authBasic'
export const APPVIEW = 'did:web:api.example.com#svc_appview'

export const permissionSetLexicon = (id: string, permissions: unknown[]) => ({
  $type: 'com.atproto.lexicon.schema',
  lexicon: 1,
  id,
  defs: { main: { type: 'permission-set', title: 'Basic', permissions } },
})

export const BASIC = permissionSetLexicon(SET_NSID, [
  { type: 'permission', resource: 'repo', collection: ['com.example.app.post'] },
  { type: 'permission', resource: 'repo', collection: ['com.example.app.like'], action: ['delete'] },
  { type: 'permission', resource: 'rpc', inheritAud: true, lxm: ['com.example.app.getFeed'] },
  { type: 'permission', resource: 'rpc', aud: '*', lxm: ['com.example.app.getFeedSkeleton'] },
])

export const SCHEMA = 'com.atproto.lexicon.schema' as const
export const authorityKey = await Secp256k1Keypair.create()
export const otherKey = await Secp256k1Keypair.create()

/** The authority's repo holding `records` (rkey → schema record), and the proof of `rkey` in it. */
export async function signedProof(records: Record<string, unknown>, rkey: string, key: Secp256k1Keypair) {
  const storage = new MemoryBlockstore()
  const writes = Object.entries(records).map(([rk, record]) => ({
    action: WriteOpAction.Create as const,
    collection: SCHEMA,
    rkey: rk,
    record: record as Record<string, never>,
  }))
  const repo = await Repo.create(storage, AUTHORITY_DID, key, writes)
  const chunks: Uint8Array[] = []
  for await (const chunk of getRecords(storage, repo.cid, [{ collection: SCHEMA, rkey }])) chunks.push(chunk)
  return concatBytes(chunks)
}

/**
 * Stand-in DNS and PDS: `txt` answers `_lexicon.<authority>`, `records` are the schema
 * records the authority's PDS serves by rkey, with a real signed proof (`signedBy`, the
 * authority's key unless a test says otherwise). `calls` counts record fetches.
 */
export function standIn(opts: {
  txt?: Record<string, string[]>
  records?: Record<string, unknown>
  signedBy?: Secp256k1Keypair
  fetch?: typeof fetch
  now?: () => number
  cache?: PermissionSetCache
}) {
  const calls: string[] = []
  const deps: PermissionSetDeps = {
    lookupTxt: async (name) => opts.txt?.[name] ?? [],
    authorityOf: async (did) => {
      if (did !== AUTHORITY_DID) throw new Error('unknown DID')
      return { pds: AUTHORITY_PDS, signingKey: authorityKey.did() }
    },
    fetch:
      opts.fetch ??
      (async (input) => {
        const url = new URL(String(input))
        calls.push(url.toString())
        const rkey = url.searchParams.get('rkey') ?? ''
        const ok =
          url.origin === AUTHORITY_PDS &&
          url.pathname === '/xrpc/com.atproto.sync.getRecord' &&
          url.searchParams.get('did') === AUTHORITY_DID &&
          url.searchParams.get('collection') === SCHEMA
        if (!ok || opts.records?.[rkey] === undefined) {
          return Response.json({ error: 'RecordNotFound' }, { status: 404 })
        }
        const proof = await signedProof(opts.records, rkey, opts.signedBy ?? authorityKey)
        return new Response(proof, { headers: { 'content-type': 'application/vnd.ipld.car' } })
      }),
    now: opts.now,
    cache: opts.cache ?? new PermissionSetCache(),
  }
  return { deps, calls }
}

export const published = (
  records: Record<string, unknown>,
  extra: Partial<Parameters<typeof standIn>[0]> = {},
) => standIn({ txt: { '_lexicon.app.example.com': [`did=${AUTHORITY_DID}`] }, records, ...extra })

export const scopes = (r: ExpandedScope) => (r.ok ? r.scope.split(' ').sort() : r)
