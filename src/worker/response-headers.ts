import type { MiddlewareHandler } from 'hono'
import { configFor } from './config-cache'
import { currentNonce } from './oauth/dpop-nonce'

/**
 * Response headers every answer carries, set on the handler's own Response when its
 * headers are mutable (anything built with `new Response` or `c.json`). Only a response
 * with immutable headers (one passed through from `fetch`, e.g. the AppView proxy's) is
 * copied. Hono's `cors()` wrote its headers on `c.res` before the handler ran, which made
 * Hono copy every answer to merge them in; each middleware that replaces `c.res` copies
 * it again, and the copies cost more than the rest of the routing on a write.
 */
export function withHeaders(res: Response, set: (headers: Headers) => void): Response {
  try {
    set(res.headers)
    return res
  } catch (e) {
    if (!(e instanceof TypeError)) throw e // immutable headers
  }
  const copy = new Response(res.body, res)
  set(copy.headers)
  return copy
}

const ALLOW_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH,QUERY'
const MAX_AGE = '86400'

/**
 * Open CORS as the reference PDS (Express `cors()`): any origin, every response header
 * exposed, a preflight allows any method and reflects the requested headers.
 */
export const openCors: MiddlewareHandler = async (c, next) => {
  if (c.req.method === 'OPTIONS') {
    const headers = new Headers({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': '*',
      'Access-Control-Max-Age': MAX_AGE,
      'Access-Control-Allow-Methods': ALLOW_METHODS,
    })
    const requested = c.req.header('access-control-request-headers')
    if (requested) {
      headers.set(
        'Access-Control-Allow-Headers',
        requested
          .split(',')
          .map((h) => h.trim())
          .join(','),
      )
      headers.append('Vary', 'Access-Control-Request-Headers')
    }
    return new Response(null, { status: 204, headers })
  }
  await next()
  if (c.res.status === 101) return
  replace(c, (h) => {
    h.set('Access-Control-Allow-Origin', '*')
    h.set('Access-Control-Expose-Headers', '*')
  })
}

/** XRPC answers are data, never a page of this origin: no sniffing, nothing loads or runs. */
export const hardenXrpc: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  await next()
  if (c.res.status === 101) return
  // A DPoP client learns the nonce for its next proof from every answer (RFC 9449 §8.2).
  const nonce =
    /^dpop\s/i.test(c.req.header('authorization') ?? '') && !c.res.headers.has('dpop-nonce')
      ? await currentNonce(configFor(c.env).jwtSecret)
      : null
  replace(c, (h) => {
    h.set('x-content-type-options', 'nosniff')
    if (nonce !== null) h.set('DPoP-Nonce', nonce)
    if (!h.has('content-security-policy')) h.set('content-security-policy', "default-src 'none'")
  })
}

/** Sets headers on `c.res`; assigns it only when it had to be copied (Hono copies on assignment). */
function replace(c: { res: Response }, set: (headers: Headers) => void): void {
  const res = withHeaders(c.res, set)
  if (res !== c.res) c.res = res
}
