// Bindings and settings of this Worker (wrangler.toml plus secrets); merged into Cloudflare.Env
// so `env` from `cloudflare:workers` and `cloudflare:test` is typed too.
declare namespace Cloudflare {
  interface Env {
    REPO: DurableObjectNamespace<import('./actors/repo/repo-actor').RepoActor>
    SEQUENCER: DurableObjectNamespace<import('./actors/sequencer/sequencer-actor').SequencerActor>
    SUBSCRIBERS: DurableObjectNamespace<import('./actors/subscribers/subscriber-actor').SubscriberActor>
    BLOBS: R2Bucket
    PDS_HOSTNAME?: string
    DID?: string
    HANDLE?: string
    SIGNING_KEY?: string
    PASSWORD?: string
    JWT_SECRET?: string
    AUTH_TOKEN?: string
  }
}
type Env = Cloudflare.Env
