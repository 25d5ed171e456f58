import { runInDurableObject } from 'cloudflare:test'
import type { RepoActor } from '../../src/actors/repo'
import type { OpenedRepo } from '../../src/actors/repo/open-repo'

/**
 * Runs `fn` inside the repo actor behind `stub` with its opened state, for what tests
 * reach that no client can (the outbox, a GC sweep at a chosen time). The actor has no
 * RPC methods for tests.
 */
export function withOpenedRepo<T>(
  stub: DurableObjectStub<RepoActor>,
  fn: (repo: OpenedRepo) => T | Promise<T>,
): Promise<T> {
  // biome-ignore lint/complexity/useLiteralKeys: `opened` is private; tests reach it on purpose.
  return runInDurableObject(stub, async (actor: RepoActor) => fn(await actor['opened']))
}
