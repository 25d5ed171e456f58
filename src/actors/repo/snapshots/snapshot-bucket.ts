/** One snapshot of the repo CAR in R2, as listed. */
export type SnapshotInfo = {
  /** The R2 key: `snapshots/<did>/<rev>.car`. */
  key: string
  rev: string
  /** When it was written (ISO 8601). */
  time: string
  /** Bytes of the CAR. */
  size: number
}

/** What a snapshot is written with: the CAR bytes and what the object's metadata says of them. */
export type SnapshotBody = {
  rev: string
  commit: string
  size: number
  time: Date
  car: ReadableStream<Uint8Array>
}

/** What the snapshot job needs of the bucket: `SnapshotBucket`, or a twin in unit tests. */
export type SnapshotStore = Pick<SnapshotBucket, 'keyFor' | 'list' | 'write' | 'delete'>

/** R2 lists at most this many keys a call, and deletes at most this many at once. */
const R2_PAGE = 1000

/**
 * The repo snapshots in the blob bucket. Blob bytes live under `blobs/`; snapshots under
 * `snapshots/<did>/`, so no key of one can be a key of the other, and blob GC (which only
 * deletes keys it recorded) never touches a snapshot.
 */
export class SnapshotBucket {
  private readonly prefix: string

  constructor(
    private readonly bucket: Pick<R2Bucket, 'put' | 'list' | 'delete'>,
    did: string,
  ) {
    this.prefix = `snapshots/${did}/`
  }

  keyFor(rev: string): string {
    return `${this.prefix}${rev}.car`
  }

  /** Every snapshot of this DID, oldest first (by the time R2 stored it). */
  async list(): Promise<SnapshotInfo[]> {
    const found: SnapshotInfo[] = []
    let cursor: string | undefined
    for (;;) {
      const page = await this.bucket.list({ prefix: this.prefix, limit: R2_PAGE, cursor })
      for (const o of page.objects) {
        const rev = o.key.slice(this.prefix.length).replace(/\.car$/, '')
        found.push({ key: o.key, rev, time: o.uploaded.toISOString(), size: o.size })
      }
      if (!page.truncated) break
      cursor = page.cursor
    }
    return found.sort((a, b) => a.time.localeCompare(b.time) || a.rev.localeCompare(b.rev))
  }

  /**
   * Streams `body.car` into one `put`. R2 takes a stream only of a length known up front,
   * so it goes through a `FixedLengthStream` of `body.size`; a CAR of another length fails
   * the put, and nothing is stored (a put is atomic).
   */
  async write(body: SnapshotBody): Promise<string> {
    const key = this.keyFor(body.rev)
    const fixed = new FixedLengthStream(body.size)
    const piped = body.car.pipeTo(fixed.writable)
    const [put, pipe] = await Promise.allSettled([
      this.bucket.put(key, fixed.readable, {
        httpMetadata: { contentType: 'application/vnd.ipld.car' },
        customMetadata: {
          rev: body.rev,
          commit: body.commit,
          time: body.time.toISOString(),
          size: String(body.size),
        },
      }),
      piped,
    ])
    if (put.status === 'rejected') throw put.reason
    if (pipe.status === 'rejected') throw pipe.reason
    return key
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += R2_PAGE) await this.bucket.delete(keys.slice(i, i + R2_PAGE))
  }
}
