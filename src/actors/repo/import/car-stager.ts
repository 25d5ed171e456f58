import type { Cid } from '@atproto/lex-data'
import { readCarStream } from '@atproto/repo'
import { err, ok, type Result } from '../../../shared/result'
import type { RepoCode } from '../repo-codes'
import type { ImportStaging, StagedBlock } from './import-staging'

/** Blocks are written to SQLite in batches of at most this many blocks or bytes. */
const BATCH_BLOCKS = 500
const BATCH_BYTES = 1024 * 1024

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e))

/** The body's chunks, each a plain Uint8Array. */
async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

/**
 * Streams a CAR into the staging tables, a batch at a time, so the body is never held
 * whole. Every block's CID is checked against its bytes as it is read (`readCarStream`
 * verifies them). Returns the one root; a malformed CAR is `InvalidRequest`.
 */
export async function stageCar(
  body: ReadableStream<Uint8Array>,
  staging: ImportStaging,
): Promise<Result<{ root: Cid; blocks: number }, RepoCode>> {
  let car: Awaited<ReturnType<typeof readCarStream>>
  try {
    car = await readCarStream(chunksOf(body))
  } catch (e) {
    await body.cancel().catch(() => undefined)
    return err('InvalidRequest', `Could not read the CAR: ${reason(e)}`)
  }
  const [root, ...others] = car.roots
  if (!root || others.length > 0) {
    await car.blocks.dump()
    return err('InvalidRequest', `Expected one root in the CAR, got ${car.roots.length}`)
  }
  let batch: StagedBlock[] = []
  let batchBytes = 0
  let count = 0
  try {
    for await (const block of car.blocks) {
      // The reader's bytes are views into its buffers: copy them out before storing.
      batch.push({ cid: block.cid, bytes: block.bytes.slice() })
      batchBytes += block.bytes.byteLength
      count++
      if (batch.length >= BATCH_BLOCKS || batchBytes >= BATCH_BYTES) {
        staging.putBlocks(batch)
        batch = []
        batchBytes = 0
      }
    }
    staging.putBlocks(batch)
  } catch (e) {
    await car.blocks.dump().catch(() => undefined)
    return err('InvalidRequest', `Invalid CAR: ${reason(e)}`)
  }
  return ok({ root, blocks: count })
}
