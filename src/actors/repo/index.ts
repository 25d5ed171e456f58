import type { RepoActor } from './repo-actor'

export type { BlobMeta } from './blobs/blob-store'
export type { ApplyWritesInput, ApplyWritesOutput, WriteInput } from './commit/write-ops'
export type { Preference } from './preferences/preferences-store'
export { RepoActor, type RepoStatus } from './repo-actor'

/** The name of the one repo actor instance. Only it hands events to the sequencer. */
export const REPO_ACTOR_NAME = 'repo'

/** The single repo actor. */
export const repoActorStub = (env: Env): DurableObjectStub<RepoActor> =>
  env.REPO.get(env.REPO.idFromName(REPO_ACTOR_NAME))
