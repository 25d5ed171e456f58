import { createLogger } from '../../shared/logger'
import { XRPCError } from '../../shared/xrpc-error'
import { readLimited } from '../read-limited'

const log = createLogger('http')

/** Request headers passed on to the upstream (atproto `pipethrough.ts`). */
const REQUEST_HEADERS = ['accept-language', 'atproto-accept-labelers', 'x-bsky-topics']
const REQUEST_BODY_HEADERS = ['content-type', 'content-encoding']
/** Response headers passed back besides the content headers. */
const RESPONSE_HEADERS = ['atproto-repo-rev', 'atproto-content-labelers', 'retry-after']
const RESPONSE_CONTENT_HEADERS = ['content-type', 'content-encoding', 'content-language']

const MAX_ERROR_BYTES = 64 * 1024

export type ForwardInput = {
  req: Request
  /** Upstream service base URL, already checked against the target policy. */
  endpoint: string
  nsid: string
  /** Service JWT for the upstream. Never logged. */
  token: string
  fetch: typeof fetch
  /** Deadline for the upstream's response headers; the body then streams without one. */
  timeoutMs: number
}

function pick(from: Headers, names: readonly string[], into: Headers): void {
  for (const name of names) {
    const value = from.get(name)
    if (value !== null) into.set(name, value)
  }
}

/**
 * Sends an XRPC call on to `endpoint` with only the allowed headers plus the service
 * JWT, streaming the request body, and streams the answer back with only the allowed
 * headers. Unreachable upstream is 502 `UpstreamFailure`, no headers in time 504
 * `UpstreamTimeout`; an upstream error keeps its status and error name (a 500 becomes 502).
 */
export async function forwardXrpc(input: ForwardInput): Promise<Response> {
  const { req, nsid } = input
  const url = `${input.endpoint}/xrpc/${nsid}${new URL(req.url).search}`
  const headers = new Headers({ authorization: `Bearer ${input.token}` })
  pick(req.headers, REQUEST_HEADERS, headers)
  const hasBody = req.method === 'POST'
  if (hasBody) pick(req.headers, REQUEST_BODY_HEADERS, headers)

  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, input.timeoutMs)
  let upstream: Response
  try {
    upstream = await input.fetch(url, {
      method: req.method,
      headers,
      body: hasBody ? req.body : undefined,
      redirect: 'manual',
      signal: controller.signal,
    })
  } catch (e) {
    const host = new URL(input.endpoint).host
    if (timedOut) {
      log.warn('upstream timeout', { nsid, host })
      throw new XRPCError(504, 'UpstreamTimeout', 'Upstream service timed out')
    }
    log.warn('upstream unreachable', { nsid, host, error: e instanceof Error ? e.message : String(e) })
    throw new XRPCError(502, 'UpstreamFailure', 'Upstream service unreachable')
  } finally {
    clearTimeout(timer)
  }

  const out = new Headers()
  pick(upstream.headers, RESPONSE_HEADERS, out)
  if (upstream.status >= 400) throw await upstreamError(upstream, out)
  if (upstream.status >= 300) {
    await upstream.body?.cancel()
    throw new XRPCError(502, 'UpstreamFailure', `Upstream service answered ${upstream.status}`)
  }
  pick(upstream.headers, RESPONSE_CONTENT_HEADERS, out)
  if (rendersAsPage(out.get('content-type'))) out.set('content-type', 'application/octet-stream')
  // The runtime hands us a decoded body when it decompressed it, so a length only fits plain bodies.
  const length = upstream.headers.get('content-length')
  if (length !== null && !upstream.headers.has('content-encoding')) out.set('content-length', length)
  return new Response(req.method === 'HEAD' ? null : upstream.body, { status: upstream.status, headers: out })
}

/**
 * Content types a browser would render as a document of this origin (scripts included):
 * an upstream must not be able to serve a page from the PDS's host through the proxy.
 */
function rendersAsPage(contentType: string | null): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? ''
  return (
    /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml)$/.test(type) ||
    type.endsWith('+xml')
  )
}

/** Keeps an upstream error's status and `{error, message}`; a 500 becomes 502 UpstreamFailure. */
async function upstreamError(upstream: Response, headers: Headers): Promise<XRPCError> {
  let error: string | undefined
  let message: string | undefined
  try {
    const text = await readLimitedText(upstream, MAX_ERROR_BYTES)
    const body: unknown = text === null ? null : JSON.parse(text)
    if (typeof body === 'object' && body !== null) {
      const b = body as Record<string, unknown>
      if (typeof b.error === 'string') error = b.error
      if (typeof b.message === 'string') message = b.message
    }
  } catch {
    // Not JSON: the status alone says enough.
  }
  const status = upstream.status === 500 ? 502 : upstream.status
  if (upstream.status === 500) error = 'UpstreamFailure'
  return new XRPCError(status, error, message ?? error, Object.fromEntries(headers))
}

async function readLimitedText(res: Response, limit: number): Promise<string | null> {
  if (!res.body) return null
  const bytes = await readLimited(res.body, limit)
  return bytes && new TextDecoder().decode(bytes)
}
