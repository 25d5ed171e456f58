import { invalidRequest } from '../../shared/xrpc-error'

const PRIVATE_V4 = [/^127\./, /^10\./, /^172\.(1[6-9]|2\d|3[01])\./, /^192\.168\./, /^169\.254\./, /^0\./]

/** Loopback, link-local and private-network hosts: never a public service. */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '')
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return PRIVATE_V4.some((re) => re.test(host))
  if (host.includes(':')) return host === '::1' || host === '::' || /^(fc|fd|fe80)/.test(host)
  return false
}

/**
 * Checks a URL the PDS is about to call for someone else (a DID document or a proxy
 * target): https to a public host, no embedded credentials. `allowInsecure` (a dev
 * setting) also admits http and local hosts. Returns the URL without a trailing slash.
 */
export function checkPublicUrl(raw: string, allowInsecure: boolean): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw invalidRequest(`Invalid service endpoint: ${raw}`)
  }
  if (url.username || url.password) throw invalidRequest('Service endpoint must not carry credentials')
  if (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:')) {
    throw invalidRequest(`Service endpoint must use https: ${url.origin}`)
  }
  if (!allowInsecure && isLocalHost(url.hostname)) {
    throw invalidRequest(`Service endpoint is not a public host: ${url.hostname}`)
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}
