export { RepoActor } from '../actors/repo/repo-actor'
export { SequencerActor } from '../actors/sequencer/sequencer-actor'
export { SubscriberActor } from '../actors/subscribers/subscriber-actor'
export default {
  async fetch(): Promise<Response> {
    return new Response('ok')
  },
}
