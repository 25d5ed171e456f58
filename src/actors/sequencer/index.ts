import { namedStub } from '../../shared/named-actor'
import type { SequencerActor } from './sequencer-actor'

export type { IncomingEvent } from './event-log'
export type { LogInfo, ReadResult, SequencerFigures, ShardLoad } from './sequencer'
export { SequencerActor } from './sequencer-actor'

/** The single sequencer instance (a fresh stub, its id cached: see namedStub). */
export const sequencerStub = (env: Env): DurableObjectStub<SequencerActor> =>
  namedStub(env.SEQUENCER, 'sequencer')
