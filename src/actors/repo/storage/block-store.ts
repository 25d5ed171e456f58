import type { Cid } from '@atproto/lex-data'
import type { CommitData, ReadableBlockstore, RepoStorage } from '@atproto/repo'

/** How long a removed block stays readable by exports that started before its removal. */
export const RETIRED_BLOCK_GRACE_MS = 10 * 60 * 1000
/** Retired blocks are purged at most this often: the purge is not needed on every write. */
export const PURGE_EVERY_MS = 60 * 1000

/** Which blocks an export page holds; see `BlockStore.pageBlocks`. */
export type BlockPageQuery = { since: string | null; upToRev: string; afterCid: string; limit: number }

/** A block of an export page; `key` is its CID string, the page order and cursor. */
export type PagedBlock = { key: string; cid: Cid; bytes: Uint8Array }

/**
 * The repo's blocks and root: `@atproto/repo`'s RepoStorage (so `Repo` and `MST` read
 * and write through it) plus what the writer and reader need beyond it.
 *
 * Terminology: a block is *live* while the current tree or commit may reach it, and
 * *retired* once a commit removed it: unreadable through `getBytes`/`has`, but still
 * paged for exports pinned to an earlier rev, until purged a grace period later.
 *
 * Tricky bits:
 * - a block keeps the rev that first wrote it; writing it again does not change that;
 * - a retired block written again is live again, and counts as written at that rev for
 *   `since` exports (it was absent from the repo in between);
 * - a removed block whose CID a record in the record index still names stays live:
 *   two paths can hold identical records.
 *
 * Implementations: `SqlRepoStorage` (Durable Object SQLite), `MemoryBlockStore` (tests).
 */
export interface BlockStore extends RepoStorage, ReadableBlockstore {
  getRootDetails(): { cid: Cid; rev: string } | null
  /**
   * Writes a commit's new blocks, retires the blocks it made unreachable (as of `now`,
   * ms), moves the root, and purges blocks retired more than the grace period ago.
   * Synchronous, so it runs inside the caller's transaction with the rest of the commit.
   */
  applyCommitSync(commit: CommitData, now: number): void
  /**
   * One page of blocks in CID order after `afterCid`, as of `upToRev`: written no later
   * than `upToRev` and not retired by then; with `since`, only blocks written (or
   * brought back) after that rev.
   */
  pageBlocks(query: BlockPageQuery): PagedBlock[]
}
