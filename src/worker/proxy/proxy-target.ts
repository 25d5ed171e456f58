import { ensureValidDid } from '@atproto/syntax'
import type { ProxyConfig, ServiceRef } from '../../shared/config'
import { invalidRequest } from '../../shared/xrpc-error'

/**
 * Parses an `atproto-proxy` header, `did#service_id`: exactly one `#` with text on
 * both sides, no spaces, a valid DID (as atproto `parseProxyHeader`). Malformed is 400.
 */
export function parseProxyHeader(value: string): { did: string; serviceId: string } {
  const hash = value.indexOf('#')
  if (hash === 0) throw invalidRequest('no did specified in proxy header')
  if (hash === -1 || hash === value.length - 1)
    throw invalidRequest('no service id specified in proxy header')
  if (value.indexOf('#', hash + 1) !== -1) throw invalidRequest('invalid proxy header format')
  if (/\s/.test(value)) throw invalidRequest('proxy header cannot contain spaces')
  const did = value.slice(0, hash)
  try {
    ensureValidDid(did)
  } catch {
    throw invalidRequest('invalid proxy header format')
  }
  return { did, serviceId: value.slice(hash) }
}

/**
 * Where a request the PDS does not serve itself goes: the `atproto-proxy` header when
 * present, else the AppView for `app.bsky.*` and the chat service for `chat.bsky.*`.
 * Null: nowhere (the router answers 501).
 */
export function proxyTargetFor(header: string | null, nsid: string, config: ProxyConfig): ServiceRef | null {
  if (header !== null) {
    const { did, serviceId } = parseProxyHeader(header)
    // A header naming a configured service reuses its known endpoint, if any.
    for (const known of [config.appView, config.chat]) {
      if (known.did === did && known.serviceId === serviceId) return known
    }
    return { did, serviceId, url: null }
  }
  if (nsid.startsWith('app.bsky.')) return config.appView
  if (nsid.startsWith('chat.bsky.')) return config.chat
  return null
}
