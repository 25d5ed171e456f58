import type { RepoActor } from './repo-actor'

export type { BlobMeta } from './blobs/blob-store'
export type { ApplyWritesInput, ApplyWritesOutput, WriteInput } from './commit/write-ops'
export type { Preference } from './preferences/preferences-store'
export type { LocalChanges, LocalDeletion, LocalRecord } from './read/records-since'
export type { RepoFigures } from './read/repo-figures'

import { REPO_ACTOR_NAME } from './repo-actor'

export type { RepoStatus } from './open-repo'
export { REPO_ACTOR_NAME, RepoActor } from './repo-actor'

/** The repo actor's id per namespace: derived from its name once, not on every request. */
const ids = new WeakMap<DurableObjectNamespace<RepoActor>, DurableObjectId>()

/** The single repo actor. A fresh stub each call (a stub can break after an error); the id is cached. */
export function repoActorStub(env: Env): DurableObjectStub<RepoActor> {
  let id = ids.get(env.REPO)
  if (!id) {
    id = env.REPO.idFromName(REPO_ACTOR_NAME)
    ids.set(env.REPO, id)
  }
  return env.REPO.get(id)
}
