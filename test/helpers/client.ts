import { SELF } from 'cloudflare:test'
import { AtpAgent } from '@atproto/api'
import { OWNER } from './test-identity'

export { OWNER }

export const BASE_URL = `https://${OWNER.hostname}`

/** fetch into the Worker under test. */
export const workerFetch: typeof fetch = (input, init) => SELF.fetch(new Request(input as RequestInfo, init))

/** An `@atproto/api` agent talking to the Worker; `authed` adds the owner's static bearer token. */
export function agent(authed = true): AtpAgent {
  const a = new AtpAgent({ service: BASE_URL, fetch: workerFetch })
  if (authed) a.setHeader('authorization', `Bearer ${OWNER.authToken}`)
  return a
}

/** A raw XRPC call, for cases a typed client refuses to send. */
export async function xrpc(
  nsid: string,
  opts: { query?: Record<string, string | string[]>; body?: unknown; auth?: boolean; method?: string } = {},
): Promise<Response> {
  const url = new URL(`/xrpc/${nsid}`, BASE_URL)
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, item)
  }
  const headers: Record<string, string> = {}
  if (opts.auth !== false) headers.authorization = `Bearer ${OWNER.authToken}`
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  return SELF.fetch(url, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  })
}
