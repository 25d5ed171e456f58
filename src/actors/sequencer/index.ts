import type { SequencerActor } from './sequencer-actor'

export type { IncomingEvent } from './event-log'
export type { LogInfo, ReadResult, SequencerFigures } from './sequencer'
export { SequencerActor } from './sequencer-actor'

/** The single sequencer instance. */
export const sequencerStub = (env: Env): DurableObjectStub<SequencerActor> =>
  env.SEQUENCER.get(env.SEQUENCER.idFromName('sequencer'))
