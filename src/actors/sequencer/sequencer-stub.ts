import type { SequencerActor } from './sequencer-actor'

/** The single sequencer instance. */
export const sequencerActor = (env: Env): DurableObjectStub<SequencerActor> =>
  env.SEQUENCER.get(env.SEQUENCER.idFromName('sequencer'))
