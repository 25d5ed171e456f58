import type { Config } from '../../../shared/config'
import { atprotoMultikey } from '../../did-validity'
import { dohTxt } from '../../identity/dns-txt'
import { resolverFor } from '../../proxy/proxy-handler'
import { type ExpandedScope, expandScope, type PermissionSetDeps } from './permission-sets'

/**
 * The Worker's lexicon resolution: DNS over HTTPS for `_lexicon` records, the proxy's DID
 * resolver (cached, target policy on every URL) for the authority's PDS and signing key.
 */
export function workerPermissionSetDeps(config: Config): PermissionSetDeps {
  const fetchImpl: typeof fetch = (input, init) => fetch(input, init)
  return {
    fetch: fetchImpl,
    lookupTxt: (name) => dohTxt(name, fetchImpl),
    authorityOf: async (did) => {
      const resolver = resolverFor(config.proxy)
      const key = atprotoMultikey(await resolver.resolve(did))
      if (key === null) throw new Error(`${did} has no #atproto signing key`)
      return { pds: await resolver.serviceEndpoint(did, '#atproto_pds'), signingKey: `did:key:${key}` }
    },
  }
}

/** A requested OAuth scope with its `include:` sets expanded, or `invalid_scope` (for PAR). */
export const expandRequestedScope = (scope: string, config: Config): Promise<ExpandedScope> =>
  expandScope(scope, workerPermissionSetDeps(config))
