import { app } from './app'

export { RepoActor } from '../actors/repo/repo-actor'
export { SequencerActor } from '../actors/sequencer/sequencer-actor'
export { SubscriberActor } from '../actors/subscribers/subscriber-actor'

export default {
  fetch: (req, env, ctx) => app.fetch(req, env, ctx),
} satisfies ExportedHandler<Env>
