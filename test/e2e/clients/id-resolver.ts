import { IdResolver, MemoryCache } from '@atproto/identity'
import { loopbackFetch } from '../harness/loopback-fetch'

/**
 * `@atproto/identity`'s resolver for a did:web on `localhost:<port>`. Its did:web
 * resolver already switches `localhost` to http, but the default fetch is SSRF-protected
 * and refuses http and loopback, so a plain fetch (limited to loopback) is injected. The
 * PLC URL points nowhere, so a did:plc can never reach plc.directory. DID documents are
 * cached, as any real consumer does: without a cache every event refetches the document,
 * and events that arrive just before the server goes away would fail to resolve.
 */
export function localIdResolver(): IdResolver {
  return new IdResolver({
    fetch: loopbackFetch,
    plcUrl: 'http://127.0.0.1:9',
    timeout: 10_000,
    didCache: new MemoryCache(),
  })
}
