import { invalidRequest, XRPCError } from '../shared/xrpc-error'

/** 413 for a body over `limit` bytes. */
export const payloadTooLarge = (limit: number): XRPCError =>
  new XRPCError(413, 'PayloadTooLarge', `Request body is larger than ${limit} bytes`)

/** The declared body length, or null for a chunked body; a malformed one is 400. */
export function declaredLength(req: Request): number | null {
  const raw = req.headers.get('content-length')
  if (raw === null) return null
  if (!/^\d+$/.test(raw.trim())) throw invalidRequest('Invalid Content-Length')
  return Number(raw)
}

/**
 * A pass-through stream that errors once more than `limit` bytes went by, whatever
 * Content-Length said; `exceeded` tells the reader's caller why its stream failed.
 */
export class ByteLimit {
  readonly stream: TransformStream<Uint8Array, Uint8Array>
  exceeded = false
  private size = 0

  constructor(limit: number) {
    this.stream = new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        this.size += chunk.byteLength
        if (this.size > limit) {
          this.exceeded = true
          throw payloadTooLarge(limit)
        }
        controller.enqueue(chunk)
      },
    })
  }
}
