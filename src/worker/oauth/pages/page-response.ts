import type { SafeHtml } from './html'
import { randomToken } from './page-keys'

/**
 * Headers of every page: a strict CSP (the one inline style block runs by a per-response
 * nonce, only https images load: client logos), no framing, no caching, no referrer to
 * other sites (the URL carries the request_uri).
 */

/** A CSP source for where the browser goes after a form: an origin, or the scheme of a native app's URI. */
export function formTargetSource(redirectUri: string): string | null {
  try {
    const url = new URL(redirectUri)
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.origin
    return /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) ? url.protocol : null
  } catch {
    return null
  }
}

export type PageOptions = {
  status?: number
  /** `Set-Cookie` values. */
  cookies?: (string | null)[]
  /**
   * Where forms may lead besides this origin. Chrome applies `form-action` to the redirects
   * that follow a submission too, so the client's redirect_uri must be listed.
   */
  formTargets?: (string | null)[]
  headers?: Record<string, string>
}

/** Fresh per response; the page's `<style>` carries it. */
export const newNonce = (): string => randomToken(18)

export function securityHeaders(nonce: string, formTargets: (string | null)[] = []): Headers {
  const targets = ["'self'", ...formTargets.filter((t): t is string => t !== null)]
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    'img-src https:',
    `form-action ${[...new Set(targets)].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ')
  return new Headers({
    'content-security-policy': csp,
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
    'referrer-policy': 'same-origin',
    'x-content-type-options': 'nosniff',
  })
}

/** An HTML page answer. `render` gets the nonce the CSP allows. */
export function pageResponse(render: (nonce: string) => SafeHtml, opts: PageOptions = {}): Response {
  const nonce = newNonce()
  const headers = securityHeaders(nonce, opts.formTargets)
  headers.set('content-type', 'text/html; charset=utf-8')
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers.set(k, v)
  for (const c of opts.cookies ?? []) if (c) headers.append('set-cookie', c)
  return new Response(`<!doctype html>${render(nonce).value}`, { status: opts.status ?? 200, headers })
}

/** A 303 See Other (a POST's answer becomes a GET), with the same hardening headers. */
export function seeOther(location: string, cookies: (string | null)[] = []): Response {
  const headers = securityHeaders(newNonce())
  headers.set('location', location)
  for (const c of cookies) if (c) headers.append('set-cookie', c)
  return new Response(null, { status: 303, headers })
}
