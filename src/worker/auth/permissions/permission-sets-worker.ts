import type { Config } from '../../../shared/config'
import { dohTxt } from '../../identity/dns-txt'
import { resolverFor } from '../../proxy/proxy-handler'
import { type ExpandedScope, expandScope, type PermissionSetDeps } from './permission-sets'

/**
 * The Worker's lexicon resolution: DNS over HTTPS for `_lexicon` records, the proxy's DID
 * resolver (cached, target policy on every URL) for the authority's PDS.
 */
export function workerPermissionSetDeps(config: Config): PermissionSetDeps {
  const fetchImpl: typeof fetch = (input, init) => fetch(input, init)
  return {
    fetch: fetchImpl,
    lookupTxt: (name) => dohTxt(name, fetchImpl),
    pdsEndpoint: (did) => resolverFor(config.proxy).serviceEndpoint(did, '#atproto_pds'),
  }
}

/** A requested OAuth scope with its `include:` sets expanded, or `invalid_scope` (for PAR). */
export const expandRequestedScope = (scope: string, config: Config): Promise<ExpandedScope> =>
  expandScope(scope, workerPermissionSetDeps(config))
