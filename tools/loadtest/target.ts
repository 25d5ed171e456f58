/** The PDS under load: where to write, where to subscribe, and whose repo. */
export type Target = {
  /** `http(s)://host[:port]`, no trailing slash. */
  baseUrl: string
  /** The `subscribeRepos` endpoint, `ws(s)://…/xrpc/com.atproto.sync.subscribeRepos`. */
  firehoseUrl: string
  did: string
  /** Bearer token for writes: the static `AUTH_TOKEN` or a session access token. */
  token: string
  /** The local server's process group, for /proc sampling; null for a deployed PDS. */
  serverPgid: number | null
  /** One line for the report: what was measured. */
  description: string
  /**
   * How often the local server reloaded so far: wrangler dev rebuilds when a source file
   * changes, which restarts the Durable Objects and drops the sockets. Null when remote.
   */
  reloads: (() => number) | null
}

const FIREHOSE_PATH = '/xrpc/com.atproto.sync.subscribeRepos'

/** The WebSocket URL of the firehose at `baseUrl`. */
export function firehoseUrlOf(baseUrl: string): string {
  const url = new URL(FIREHOSE_PATH, baseUrl)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.toString()
}

/**
 * A deployed (or already running) PDS: asks `getSession` whose token this is, which
 * also fails early, with the server's message, when the token is wrong.
 */
export async function remoteTarget(url: string, token: string): Promise<Target> {
  const baseUrl = new URL(url).origin
  const res = await fetch(`${baseUrl}/xrpc/com.atproto.server.getSession`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(15_000),
  })
  const body = (await res.json().catch(() => ({}))) as { did?: unknown; message?: unknown }
  if (!res.ok || typeof body.did !== 'string') {
    throw new Error(`getSession on ${baseUrl} failed (HTTP ${res.status}): ${String(body.message ?? '')}`)
  }
  return {
    baseUrl,
    firehoseUrl: firehoseUrlOf(baseUrl),
    did: body.did,
    token,
    serverPgid: null,
    description: `PDS at ${baseUrl} (${body.did})`,
    reloads: null,
  }
}
