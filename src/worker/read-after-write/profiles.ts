import type { AppBskyActorGetProfile, AppBskyActorGetProfiles } from '@atproto/api'
import type { MergeContext } from './feeds'

/** A profile edit (or the profile's deletion) applies to the owner's detailed view. */
export function mergeProfile(
  original: AppBskyActorGetProfile.OutputSchema,
  ctx: MergeContext,
): AppBskyActorGetProfile.OutputSchema {
  if (!ctx.viewer.profileChanged || original.did !== ctx.viewer.did) return original
  return ctx.viewer.withProfileDetailed(original)
}

export function mergeProfiles(
  original: AppBskyActorGetProfiles.OutputSchema,
  ctx: MergeContext,
): AppBskyActorGetProfiles.OutputSchema {
  if (!ctx.viewer.profileChanged) return original
  return {
    ...original,
    profiles: original.profiles.map((p) =>
      p.did === ctx.viewer.did ? ctx.viewer.withProfileDetailed(p) : p,
    ),
  }
}
