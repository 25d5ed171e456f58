import { runInDurableObject } from 'cloudflare:test'
import type { RepoActor } from '../../src/actors/repo'
import type { OpenedRepo } from '../../src/actors/repo/open-repo'
import type { SequencerActor } from '../../src/actors/sequencer'
import type { Sequencer } from '../../src/actors/sequencer/sequencer'
import { sequencerStub } from './actors'

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

/** Runs `fn` inside the sequencer actor with its opened Sequencer (see withOpenedRepo). */
export function withSequencer<T>(fn: (sequencer: Sequencer) => T | Promise<T>): Promise<T> {
  return runInDurableObject(sequencerStub(), async (actor: SequencerActor) =>
    // biome-ignore lint/complexity/useLiteralKeys: `opened` is private; tests reach it on purpose.
    fn(await actor['opened']),
  )
}
