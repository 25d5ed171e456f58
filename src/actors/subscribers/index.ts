import { namedStub } from '../../shared/named-actor'
import type { SubscriberActor } from './subscriber-actor'

export { CLIENT_HEADER, clientKey } from './client-address'
export type { ShardFigures } from './shard-figures'
export { SubscriberActor } from './subscriber-actor'
export { parseCursor } from './subscription-state'

/** The name of subscriber shard `n` (the sequencer keeps shards by name). */
export const shardName = (n: number): string => `shard-${n}`

/** Subscriber shard `shard`: its number, or its name as the sequencer stores it. */
export const shardStub = (env: Env, shard: number | string): DurableObjectStub<SubscriberActor> =>
  namedStub(env.SUBSCRIBERS, typeof shard === 'number' ? shardName(shard) : shard)
