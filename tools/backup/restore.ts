import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { type BackupManifest, layout } from './backup-layout'
import { blobCid } from './blob-cid'
import { ownerCall } from './owner-call'
import { sessionToken } from './session-token'

/** What a restore needs to know and may call. */
export type RestoreOptions = {
  from: string
  to: string
  /** The destination's owner token (AUTH_TOKEN or an access JWT), or the password to log in with. */
  credential: { token: string } | { password: string }
  /** Activate the account at the end (only once the DID document names the destination). */
  activate: boolean
  fetch: typeof fetch
  progress: (line: string) => void
}

/**
 * Brings a backup into a fresh deployment of the same DID: deactivates the account, imports the
 * CAR (importRepo only runs while deactivated), uploads every blob (checking the CID the
 * destination reports), puts the preferences and, with `activate`, activates.
 */
export async function restore(o: RestoreOptions): Promise<{ records: number; blobs: number }> {
  const paths = layout(o.from)
  const manifest = JSON.parse(readFileSync(paths.manifest, 'utf8')) as BackupManifest
  const token =
    'token' in o.credential
      ? o.credential.token
      : await sessionToken(o.to, manifest.did, o.credential.password, o.fetch)
  const call = ownerCall(o.to, token, o.fetch)

  await call('com.atproto.server.deactivateAccount', '{}')
  await call('com.atproto.repo.importRepo', readFileSync(paths.car), 'application/vnd.ipld.car')
  o.progress(`repo: imported ${manifest.records} records (rev ${manifest.rev})`)

  const mimeTypes = JSON.parse(readFileSync(paths.mimeTypes, 'utf8')) as Record<string, string>
  const cids = readdirSync(paths.blobsDir).filter((n) => !n.endsWith('.partial'))
  for (const [i, cid] of cids.entries()) {
    const bytes = readFileSync(paths.blob(cid))
    if ((await blobCid(bytes)) !== cid) throw new Error(`backup blob ${cid} is corrupt`)
    const res = await call('com.atproto.repo.uploadBlob', bytes, mimeTypes[cid] ?? 'application/octet-stream')
    const got = ((await res.json()) as { blob: { ref: { $link: string } } }).blob.ref.$link
    if (got !== cid) throw new Error(`uploadBlob ${cid}: the destination stored ${got}`)
    o.progress(`blobs: ${i + 1}/${cids.length}`)
  }

  if (existsSync(paths.preferences)) {
    await call('app.bsky.actor.putPreferences', readFileSync(paths.preferences, 'utf8'))
    o.progress('preferences: restored')
  }
  if (o.activate) await call('com.atproto.server.activateAccount')
  return { records: manifest.records, blobs: cids.length }
}
