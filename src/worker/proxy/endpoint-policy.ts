import { invalidRequest } from '../../shared/xrpc-error'
import { isNonPublicIpv4, isNonPublicIpv6, parseIpv4, parseIpv6 } from './ip-ranges'

/** Loopback, link-local, private-network and other non-public hosts: never a public service. */
export function isLocalHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
  if (host === 'localhost' || host.endsWith('.localhost')) return true
  const v4 = parseIpv4(host)
  if (v4 !== null) return isNonPublicIpv4(v4)
  if (host.includes(':')) {
    const v6 = parseIpv6(host)
    return v6 === null || isNonPublicIpv6(v6)
  }
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
