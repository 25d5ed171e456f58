import { err, type Result } from '../../../shared/result'
import type { RepoCode } from '../repo-codes'
import type { RepoWriter } from './repo-writer'
import type { ApplyWritesInput, ApplyWritesOutput } from './write-ops'

export type WriteGateDeps = {
  writer: RepoWriter
  /** Whether the account may write (the hosting status). */
  isActive: () => boolean
  /** After a commit is durable: hand its event on (never awaited by the writer). */
  afterCommit: () => void
  /** True when the last writes left a blob unreferenced (reset by reading it). */
  takeOrphaned: () => boolean
  /** Asks blob GC for a sweep soon. */
  collectSoon: () => Promise<void>
}

/**
 * The way into the repo writer for record writes: refuses them while the account is
 * deactivated (checked inside the write queue), and after a commit starts its delivery to the firehose and, when a blob
 * lost its last reference, blob collection.
 */
export class WriteGate {
  constructor(private readonly deps: WriteGateDeps) {}

  async apply(input: ApplyWritesInput): Promise<Result<ApplyWritesOutput, RepoCode>> {
    const result = await this.deps.writer.applyWrites(input, () =>
      this.deps.isActive() ? null : err('AccountDeactivated', 'Account is deactivated'),
    )
    if (result.ok && result.value.commit) this.deps.afterCommit()
    if (this.deps.takeOrphaned()) await this.deps.collectSoon()
    return result
  }
}
