import type { RepoActor } from './repo-actor'

export type { BlobMeta } from './blobs/blob-store'
export type { ApplyWritesInput, ApplyWritesOutput, WriteInput } from './commit/write-ops'
export type { Preference } from './preferences/preferences-store'
export type { LocalChanges, LocalDeletion, LocalRecord } from './read/records-since'
export type { RepoFigures } from './read/repo-figures'

import { namedStub } from '../../shared/named-actor'
import { REPO_ACTOR_NAME } from './repo-actor'

export type { RepoStatus } from './open-repo'
export { REPO_ACTOR_NAME, RepoActor } from './repo-actor'

/** The single repo actor (a fresh stub, its id cached: see namedStub). */
export const repoActorStub = (env: Env): DurableObjectStub<RepoActor> => namedStub(env.REPO, REPO_ACTOR_NAME)
