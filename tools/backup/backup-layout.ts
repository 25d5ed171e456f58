import { join } from 'node:path'

/**
 * A backup directory:
 *   repo.car          the repo as getRepo served it, verified before it is written
 *   blobs/<cid>       each blob's bytes; the file name is the CID they must hash to
 *   blobs.json        `{ <cid>: <mimeType> }`, for uploadBlob on restore
 *   preferences.json  app.bsky.actor.getPreferences (only with a token)
 *   manifest.json     the DID, the commit rev and counts
 */
export const layout = (dir: string) => ({
  car: join(dir, 'repo.car'),
  blobsDir: join(dir, 'blobs'),
  blob: (cid: string) => join(dir, 'blobs', cid),
  mimeTypes: join(dir, 'blobs.json'),
  preferences: join(dir, 'preferences.json'),
  manifest: join(dir, 'manifest.json'),
})

/** manifest.json. */
export type BackupManifest = {
  did: string
  rev: string
  source: string
  records: number
  blobs: number
  preferences: boolean
  finishedAt: string
}
