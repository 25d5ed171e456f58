// Bindings and settings of this Worker (wrangler.toml plus secrets); merged into Cloudflare.Env
// so `env` from `cloudflare:workers` and `cloudflare:test` is typed too.
declare namespace Cloudflare {
  interface Env {
    REPO: DurableObjectNamespace<import('./actors/repo').RepoActor>
    SEQUENCER: DurableObjectNamespace<import('./actors/sequencer').SequencerActor>
    SUBSCRIBERS: DurableObjectNamespace<import('./actors/subscribers').SubscriberActor>
    ACCOUNT: DurableObjectNamespace<import('./actors/account').AccountActor>
    BLOBS: R2Bucket
    /** Largest blob `uploadBlob` accepts, in bytes (default 104857600, 100 MB). */
    BLOB_UPLOAD_LIMIT?: string
    /** Hours an uploaded blob may stay unreferenced before GC deletes it (default 6). */
    BLOB_GRACE_HOURS?: string
    PDS_HOSTNAME?: string
    DID?: string
    HANDLE?: string
    SIGNING_KEY?: string
    PASSWORD?: string
    JWT_SECRET?: string
    AUTH_TOKEN?: string
    /** Firehose: relays to call requestCrawl on (comma-separated URLs). */
    RELAYS?: string
    /** Firehose retention: keep at least this many hours and this many events. */
    FIREHOSE_RETENTION_HOURS?: string
    FIREHOSE_RETENTION_MIN_EVENTS?: string
    /** Number of subscriber shards (default 8). */
    SUBSCRIBER_SHARDS?: string
    /** Proxy: default AppView for app.bsky.* (`did[#service]`, default did:web:api.bsky.app#bsky_appview) and an optional known URL. */
    APPVIEW_DID?: string
    APPVIEW_URL?: string
    /** Proxy: default chat service for chat.bsky.* (default did:web:api.bsky.chat#bsky_chat). */
    CHAT_DID?: string
    CHAT_URL?: string
    /** did:plc directory (default https://plc.directory). */
    PLC_URL?: string
    /** Dev only: "true" lets the proxy call http and localhost/private targets. */
    PROXY_ALLOW_INSECURE?: string
    /** Proxy: milliseconds to wait for upstream response headers (default 30000). */
    PROXY_TIMEOUT_MS?: string
  }
}
type Env = Cloudflare.Env
