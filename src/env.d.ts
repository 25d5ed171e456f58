// Bindings and settings of this Worker (wrangler.toml plus secrets); merged into Cloudflare.Env
// so `env` from `cloudflare:workers` and `cloudflare:test` is typed too.
declare namespace Cloudflare {
  // The settings (vars and secrets) are listed once, in src/shared/config/index.ts.
  type Settings = import('./shared/config').RawSettings
  interface Env extends Settings {
    REPO: DurableObjectNamespace<import('./actors/repo').RepoActor>
    SEQUENCER: DurableObjectNamespace<import('./actors/sequencer').SequencerActor>
    SUBSCRIBERS: DurableObjectNamespace<import('./actors/subscribers').SubscriberActor>
    ACCOUNT: DurableObjectNamespace<import('./actors/account').AccountActor>
    BLOBS: R2Bucket
  }
}
type Env = Cloudflare.Env
