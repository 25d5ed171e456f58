/**
 * Part size for uploads of unknown length. R2 wants every part but the last to be
 * at least 5 MiB and all of the same size; this is also the most ever held in memory.
 */
export const PART_SIZE = 5 * 1024 * 1024

/**
 * Streams `body` into R2 under `key` without holding the whole of it in memory.
 *
 * R2's `put` only accepts a stream whose length is known up front, so:
 * - with a Content-Length, the body goes through a `FixedLengthStream` of that length
 *   straight into one `put`;
 * - without one (a chunked upload), it is cut into `PART_SIZE` parts of an R2
 *   multipart upload, one part buffered at a time (a body smaller than one part is a
 *   plain `put` of that buffer).
 * If `body` errors (too large, wrong type, client gone) nothing is stored: `put` is
 * atomic, and a multipart upload is aborted.
 */
export async function writeBlobToR2(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  length: number | null,
  contentType: string,
): Promise<void> {
  const options = { httpMetadata: { contentType } }
  if (length !== null) {
    const fixed = new FixedLengthStream(length)
    const piped = body.pipeTo(fixed.writable)
    // Both must finish: the source may fail after R2 has all the bytes (a short blob's
    // type check runs at its end), and the caller then removes the object.
    const [put, pipe] = await Promise.allSettled([bucket.put(key, fixed.readable, options), piped])
    if (put.status === 'rejected') throw put.reason
    if (pipe.status === 'rejected') throw pipe.reason
    return
  }
  await writeInParts(bucket, key, body, options)
}

async function writeInParts(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  options: R2MultipartOptions,
): Promise<void> {
  const reader = body.getReader()
  const buffer = new Uint8Array(PART_SIZE)
  let filled = 0
  let upload: R2MultipartUpload | null = null
  const parts: R2UploadedPart[] = []
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      let at = 0
      while (at < value.byteLength) {
        const n = Math.min(PART_SIZE - filled, value.byteLength - at)
        buffer.set(value.subarray(at, at + n), filled)
        filled += n
        at += n
        if (filled < PART_SIZE) continue
        upload ??= await bucket.createMultipartUpload(key, options)
        // The part is sent by the time uploadPart resolves, so the buffer can be reused.
        parts.push(await upload.uploadPart(parts.length + 1, buffer))
        filled = 0
      }
    }
    if (!upload) {
      await bucket.put(key, buffer.subarray(0, filled), options)
      return
    }
    if (filled > 0) parts.push(await upload.uploadPart(parts.length + 1, buffer.subarray(0, filled)))
    await upload.complete(parts)
  } catch (e) {
    await upload?.abort().catch(() => undefined)
    await reader.cancel(e).catch(() => undefined)
    throw e
  }
}
