import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { readCarWithRoot, verifyRepo } from '@atproto/repo'
import { didDocumentUrl } from '../deploy/checks'
import { atprotoDidKey, type VerificationMethod } from '../deploy/did-key'
import { type BackupManifest, layout } from './backup-layout'
import { blobCid } from './blob-cid'
import { sessionToken } from './session-token'

/** What a backup needs to know and may call. */
export type BackupOptions = {
  from: string
  out: string
  /** Bearer token (an access JWT or AUTH_TOKEN): adds the preferences. */
  token: string | null
  /** Without a token: the owner's password, to log in for the preferences. */
  password?: string | null
  plcUrl: string
  fetch: typeof fetch
  /** Progress, one line at a time (the CLI overwrites it in place). */
  progress: (line: string) => void
}

const writeAtomic = (path: string, data: Uint8Array | string) => {
  writeFileSync(`${path}.partial`, data)
  renameSync(`${path}.partial`, path)
}

async function ok(res: Response, what: string): Promise<Response> {
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`)
  return res
}

/** The owner's DID (the one repo of this single-user PDS) and its `#atproto` key. */
async function ownerAndKey(o: BackupOptions): Promise<{ did: string; didKey: string }> {
  const list = (await (
    await ok(await o.fetch(`${o.from}/xrpc/com.atproto.sync.listRepos`), 'listRepos')
  ).json()) as {
    repos: { did: string }[]
  }
  const did = list.repos[0]?.did
  if (!did) throw new Error('listRepos names no repo')
  const doc = (await (await ok(await o.fetch(didDocumentUrl(did, o.plcUrl)), 'DID document')).json()) as {
    verificationMethod?: VerificationMethod[]
  }
  const didKey = atprotoDidKey(doc.verificationMethod)
  if (!didKey) throw new Error(`the DID document of ${did} has no #atproto key`)
  return { did, didKey }
}

/**
 * Writes a backup of the PDS at `from` into `out` (see backup-layout.ts). The CAR is verified
 * against the DID document's key before it is written. Blobs already on disk whose bytes hash
 * to their name are skipped, so a rerun resumes an interrupted backup.
 */
export async function backup(o: BackupOptions): Promise<BackupManifest> {
  const paths = layout(o.out)
  mkdirSync(paths.blobsDir, { recursive: true })
  const { did, didKey } = await ownerAndKey(o)
  const q = `did=${encodeURIComponent(did)}`

  const carRes = await ok(await o.fetch(`${o.from}/xrpc/com.atproto.sync.getRepo?${q}`), 'getRepo')
  const car = new Uint8Array(await carRes.arrayBuffer())
  const { root, blocks } = await readCarWithRoot(car)
  const repo = await verifyRepo(blocks, root, did, didKey)
  writeAtomic(paths.car, car)
  o.progress(`repo: ${repo.creates.length} records, ${car.byteLength} bytes, rev ${repo.commit.rev}`)

  const cids: string[] = []
  let cursor: string | undefined
  do {
    const url = `${o.from}/xrpc/com.atproto.sync.listBlobs?${q}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`
    const page = (await (await ok(await o.fetch(url), 'listBlobs')).json()) as {
      cids: string[]
      cursor?: string
    }
    cids.push(...page.cids)
    cursor = page.cids.length > 0 ? page.cursor : undefined
  } while (cursor)

  const mimeTypes: Record<string, string> = existsSync(paths.mimeTypes)
    ? JSON.parse(readFileSync(paths.mimeTypes, 'utf8'))
    : {}
  let skipped = 0
  for (const [i, cid] of cids.entries()) {
    const path = paths.blob(cid)
    if (existsSync(path) && mimeTypes[cid] && (await blobCid(readFileSync(path))) === cid) {
      skipped++
    } else {
      const res = await ok(
        await o.fetch(`${o.from}/xrpc/com.atproto.sync.getBlob?${q}&cid=${cid}`),
        `getBlob ${cid}`,
      )
      const bytes = new Uint8Array(await res.arrayBuffer())
      const got = await blobCid(bytes)
      if (got !== cid) throw new Error(`getBlob ${cid}: the bytes hash to ${got}`)
      writeAtomic(path, bytes)
      mimeTypes[cid] = res.headers.get('content-type') ?? 'application/octet-stream'
      writeAtomic(paths.mimeTypes, JSON.stringify(mimeTypes, null, 2))
    }
    o.progress(`blobs: ${i + 1}/${cids.length} (${skipped} already on disk)`)
  }
  writeAtomic(paths.mimeTypes, JSON.stringify(mimeTypes, null, 2))

  let preferences = false
  const token = o.token ?? (o.password ? await sessionToken(o.from, did, o.password, o.fetch) : null)
  if (token) {
    const res = await ok(
      await o.fetch(`${o.from}/xrpc/app.bsky.actor.getPreferences`, {
        headers: { authorization: `Bearer ${token}` },
      }),
      'getPreferences',
    )
    writeAtomic(paths.preferences, JSON.stringify(await res.json(), null, 2))
    preferences = true
  }

  const manifest: BackupManifest = {
    did,
    rev: repo.commit.rev,
    source: o.from,
    records: repo.creates.length,
    blobs: cids.length,
    preferences,
    finishedAt: new Date().toISOString(),
  }
  writeAtomic(paths.manifest, JSON.stringify(manifest, null, 2))
  return manifest
}
