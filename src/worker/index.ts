import { app } from './app'

export { AccountActor } from '../actors/account'
export { RepoActor } from '../actors/repo'
export { SequencerActor } from '../actors/sequencer'
export { SubscriberActor } from '../actors/subscribers'

export default {
  fetch: (req, env, ctx) => app.fetch(req, env, ctx),
} satisfies ExportedHandler<Env>
