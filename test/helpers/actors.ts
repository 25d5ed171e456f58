import { env } from 'cloudflare:test'
import { accountStub as accountOf } from '../../src/actors/account'
import { repoActorStub } from '../../src/actors/repo'
import { sequencerStub as sequencerOf } from '../../src/actors/sequencer'
import { shardStub as shardOf } from '../../src/actors/subscribers'

/** The single repo actor the Worker writes through. */
export const repoStub = () => repoActorStub(env)

/** The single account actor (credentials). */
export const accountStub = () => accountOf(env)

/** The single sequencer. */
export const sequencerStub = () => sequencerOf(env)

/** Subscriber shard `shard`: its number or its name. */
export const shardStub = (shard: number | string) => shardOf(env, shard)

/**
 * A fresh repo actor instance with its own SQLite, named `<prefix>-<uuid>`. Only the
 * canonical instance delivers events, so nothing done through it reaches the firehose.
 */
export const scratchRepoStub = (prefix: string) =>
  env.REPO.get(env.REPO.idFromName(`${prefix}-${crypto.randomUUID()}`))

/** A fresh account actor instance with its own SQLite (it takes nothing over from the repo). */
export const scratchAccountStub = (prefix: string) =>
  env.ACCOUNT.get(env.ACCOUNT.idFromName(`${prefix}-${crypto.randomUUID()}`))

/** A fresh sequencer instance with its own SQLite (no repo actor delivers to it). */
export const scratchSequencerStub = (prefix: string) =>
  env.SEQUENCER.get(env.SEQUENCER.idFromName(`${prefix}-${crypto.randomUUID()}`))
