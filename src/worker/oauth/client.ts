import {
  atprotoLoopbackClientMetadata,
  isOAuthClientIdDiscoverable,
  isOAuthClientIdLoopback,
  type OAuthClientMetadata,
  oauthClientMetadataSchema,
} from '@atproto/oauth-types'
import { isLocalHost } from '../proxy/endpoint-policy'
import type { ClientDisplay } from './authorization-flow'
import { CLIENT_ASSERTION_ALGS } from './client-auth'
import { ClientFetchError, fetchClientJson } from './client-fetch'
import { OAuthError } from './oauth-error'

/** A client this server knows how to talk to: its validated metadata. */
export type OAuthClient = {
  id: string
  metadata: OAuthClientMetadata
  /** A loopback development client (`http://localhost?...`): public, no verified identity. */
  loopback: boolean
}

const CACHE_TTL_MS = 10 * 60_000
/** A client id that failed is refused again without a fetch for this long. */
const FAILURE_TTL_MS = 60_000
const CACHE_MAX = 200
const cache = new Map<string, { client: OAuthClient; expiresAt: number }>()
const failures = new Map<string, { error: OAuthError; expiresAt: number }>()

/** Puts `value` under `key`, dropping the oldest entry when full. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key)
  if (map.size >= CACHE_MAX) map.delete(map.keys().next().value as string)
  map.set(key, value)
}

export const invalidClientMetadata = (description: string) =>
  new OAuthError(400, 'invalid_client_metadata', description)

/**
 * The client `clientId` names (atproto OAuth "Clients"): a loopback development client
 * described by its own id, or a metadata document fetched from the `client_id` URL
 * (`fetchClientJson`'s bounds) and validated with `@atproto/oauth-types` plus the
 * atproto profile's rules. Good documents are reused for 10 minutes in the isolate, and
 * a refusal for 1 minute (a bad client id costs its host one fetch a minute, not one a request).
 */
export async function resolveClient(clientId: string, now = Date.now()): Promise<OAuthClient> {
  const hit = cache.get(clientId)
  if (hit && hit.expiresAt > now) return hit.client
  const failed = failures.get(clientId)
  if (failed && failed.expiresAt > now) throw failed.error
  let client: OAuthClient
  try {
    client = await loadClient(clientId)
  } catch (e) {
    if (e instanceof OAuthError) remember(failures, clientId, { error: e, expiresAt: now + FAILURE_TTL_MS })
    throw e
  }
  failures.delete(clientId)
  remember(cache, clientId, { client, expiresAt: now + CACHE_TTL_MS })
  return client
}

async function loadClient(clientId: string): Promise<OAuthClient> {
  if (isOAuthClientIdLoopback(clientId)) {
    try {
      return {
        id: clientId,
        metadata: oauthClientMetadataSchema.parse(atprotoLoopbackClientMetadata(clientId)),
        loopback: true,
      }
    } catch (e) {
      throw new OAuthError(
        400,
        'invalid_client_id',
        e instanceof Error ? e.message : 'Invalid loopback client_id',
      )
    }
  }
  if (!isOAuthClientIdDiscoverable(clientId))
    throw new OAuthError(
      400,
      'invalid_client_id',
      'client_id must be an https URL of a client metadata document',
    )
  let document: unknown
  try {
    document = await fetchClientJson(clientId)
  } catch (e) {
    if (e instanceof ClientFetchError)
      throw invalidClientMetadata(`Client metadata unavailable: ${e.message}`)
    throw e
  }
  const parsed = oauthClientMetadataSchema.safeParse(document)
  if (!parsed.success)
    throw invalidClientMetadata(`Invalid client metadata: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
  checkAtprotoRules(clientId, parsed.data)
  return { id: clientId, metadata: parsed.data, loopback: false }
}

/** The atproto profile's rules for a discoverable client's metadata. */
function checkAtprotoRules(clientId: string, m: OAuthClientMetadata): void {
  const refuse = (why: string) => {
    throw invalidClientMetadata(why)
  }
  if (m.client_id !== clientId) refuse('client_id in the document must equal the URL it is served from')
  if (m.dpop_bound_access_tokens !== true) refuse('dpop_bound_access_tokens must be true')
  if (!m.response_types.includes('code')) refuse('response_types must include "code"')
  if (!m.grant_types.includes('authorization_code')) refuse('grant_types must include "authorization_code"')
  if (!(m.scope ?? '').split(' ').includes('atproto')) refuse('scope must include "atproto"')
  const method = m.token_endpoint_auth_method
  if (method !== 'none' && method !== 'private_key_jwt')
    refuse('token_endpoint_auth_method must be "none" or "private_key_jwt"')
  if (method === 'private_key_jwt') {
    if (!m.jwks && !m.jwks_uri) refuse('private_key_jwt clients must publish jwks or jwks_uri')
    const alg = m.token_endpoint_auth_signing_alg
    if (!alg || !CLIENT_ASSERTION_ALGS.includes(alg))
      refuse(`token_endpoint_auth_signing_alg must be one of ${CLIENT_ASSERTION_ALGS.join(', ')}`)
  }
  if (m.client_uri !== undefined && !isParentOf(m.client_uri, clientId))
    refuse('client_uri must be on the origin of client_id and a parent of it')
  const host = new URL(clientId).hostname
  for (const uri of m.redirect_uris) {
    const u = new URL(uri)
    // A published client redirecting to a local host could be anyone's; only loopback clients may.
    if (u.protocol === 'https:' && isLocalHost(u.hostname))
      refuse(`redirect_uri must not be a local host: ${uri}`)
    if (u.protocol === 'https:') continue
    if (m.application_type === 'native') {
      if (u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === '[::1]')) continue
      // A private-use scheme must be the client's host reversed (RFC 8252 §7.1).
      if (u.protocol.slice(0, -1) === host.split('.').reverse().join('.')) continue
    }
    refuse(`redirect_uri not allowed for this client: ${uri}`)
  }
}

/** Whether `parent` is on the origin of `url` and its path is `url`'s or a parent directory of it. */
function isParentOf(parent: string, url: string): boolean {
  const [p, u] = [new URL(parent), new URL(url)]
  if (p.origin !== u.origin) return false
  const dir = p.pathname.endsWith('/') ? p.pathname : `${p.pathname}/`
  return u.pathname === p.pathname || u.pathname.startsWith(dir)
}

/** A link the consent page may show as the client's: on the origin of its client_id only. */
const ownLink = (client: OAuthClient, uri: string | undefined): string | null =>
  uri !== undefined && new URL(uri).origin === new URL(client.id).origin ? uri : null

/** What the consent page shows of a client. */
export function clientDisplay(client: OAuthClient): ClientDisplay {
  const m = client.metadata
  return {
    clientId: client.id,
    name: client.loopback ? null : (m.client_name ?? null),
    logoUri: client.loopback ? null : (m.logo_uri ?? null),
    clientUri: client.loopback ? null : (m.client_uri ?? null),
    policyUri: client.loopback ? null : ownLink(client, m.policy_uri),
    tosUri: client.loopback ? null : ownLink(client, m.tos_uri),
    loopback: client.loopback,
  }
}
