import { err, ok, type Result } from '../../../shared/result'
import type { RepoCode } from '../repo-codes'
import type { BlobGc } from './blob-gc'
import type { BlobStore, FinishedUpload } from './blob-store'

/**
 * The repo side of `uploadBlob`: the Worker streams bytes to R2 under a key minted here,
 * then reports the finished upload. A key that is never claimed is collected by blob GC.
 */
export class BlobUploads {
  constructor(
    private readonly deps: {
      store: BlobStore
      gc: BlobGc
      transaction: <T>(fn: () => T) => T
      now: () => number
    },
  ) {}

  /** Reserves a fresh R2 key; it is cleaned up unless `finish` claims it. */
  async begin(): Promise<{ r2Key: string }> {
    const r2Key = `blobs/${crypto.randomUUID()}`
    await this.deps.gc.reserveUpload(r2Key, this.deps.now())
    return { r2Key }
  }

  /** Records `cid → key`; a duplicate's new key goes to GC at once. */
  async finish(upload: FinishedUpload): Promise<Result<{ duplicate: boolean }, RepoCode>> {
    const done = this.deps.transaction(() => this.deps.store.finishUpload(upload, new Date(this.deps.now())))
    if (!done) return err('UploadExpired', 'The upload took too long and was discarded')
    if (done.duplicate) await this.deps.gc.soon()
    return ok(done)
  }
}
