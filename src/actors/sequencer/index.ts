import type { SequencerActor } from './sequencer-actor'

export type { IncomingEvent } from './event-log'
export { type LogInfo, type ReadResult, SequencerActor } from './sequencer-actor'

/** The single sequencer instance. */
export const sequencerStub = (env: Env): DurableObjectStub<SequencerActor> =>
  env.SEQUENCER.get(env.SEQUENCER.idFromName('sequencer'))
