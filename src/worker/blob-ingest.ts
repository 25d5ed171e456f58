import { createCid, RAW_DATA_CODEC, SHA256_HASH_CODE } from '@atproto/lex-data'
import { invalidRequest, XRPCError } from '../shared/xrpc-error'
import { mimeMismatch, SNIFF_BYTES } from './blob-mime'

/**
 * A pass-through stream for an uploaded blob: it counts and hashes the bytes as they
 * go by (with the runtime's native `crypto.DigestStream`), checks the first bytes
 * against the declared MIME type and stops at the size limit. A failure errors the
 * stream, so whatever consumes it (the R2 write) fails too; `failure` tells why.
 * Each chunk is hashed before it is passed on, so backpressure reaches the client.
 */
export class BlobIngest {
  readonly stream: TransformStream<Uint8Array, Uint8Array>
  /** The XRPC error that stopped the stream, if the blob itself was at fault. */
  failure: XRPCError | null = null
  private size = 0
  private head = new Uint8Array(0)
  private sniffed = false
  private readonly digest = new crypto.DigestStream('SHA-256')
  private readonly hasher = this.digest.getWriter()

  constructor(
    private readonly limit: number,
    private readonly mimeType: string,
  ) {
    // A failed upload aborts the hasher, which rejects `digest`; nobody reads it then.
    this.digest.digest.catch(() => undefined)
    this.stream = new TransformStream<Uint8Array, Uint8Array>({
      transform: async (chunk, controller) => {
        this.size += chunk.byteLength
        if (this.size > this.limit) {
          this.fail(new XRPCError(400, 'BlobTooLarge', `Blob is larger than ${this.limit} bytes`))
        }
        if (!this.sniffed) this.sniff(chunk, false)
        await this.hasher.write(chunk)
        controller.enqueue(chunk)
      },
      flush: async () => {
        if (!this.sniffed) this.sniff(new Uint8Array(0), true)
        await this.hasher.close()
      },
    })
  }

  /** The CID (CIDv1, raw codec, sha2-256) and size, once the stream has been fully consumed. */
  async result(): Promise<{ cid: string; size: number }> {
    const digest = new Uint8Array(await this.digest.digest)
    return { cid: createCid(RAW_DATA_CODEC, SHA256_HASH_CODE, digest).toString(), size: this.size }
  }

  /** Collects the first bytes; checks them once there are enough, or at the end of a short blob. */
  private sniff(chunk: Uint8Array, atEnd: boolean): void {
    if (this.head.length < SNIFF_BYTES && chunk.length > 0) {
      const take = chunk.subarray(0, SNIFF_BYTES - this.head.length)
      const head = new Uint8Array(this.head.length + take.length)
      head.set(this.head)
      head.set(take, this.head.length)
      this.head = head
    }
    if (this.head.length < SNIFF_BYTES && !atEnd) return
    this.sniffed = true
    const problem = mimeMismatch(this.mimeType, this.head)
    if (problem) this.fail(invalidRequest(problem))
  }

  private fail(e: XRPCError): never {
    this.failure = e
    void this.hasher.abort(e).catch(() => undefined)
    throw e
  }
}
