import type { Config } from '../../shared/config'
import { CLIENT_ASSERTION_ALGS } from './client-auth'
import { DPOP_ALGS } from './dpop-proof'
import { SCOPES_SUPPORTED } from './scope'

/** The endpoints of this authorization server, under the issuer. */
export const OAUTH_PATHS = {
  authorize: '/oauth/authorize',
  par: '/oauth/par',
  token: '/oauth/token',
  revoke: '/oauth/revoke',
} as const

const at = (config: Config, path: string) => `${config.publicUrl}${path}`

/** RFC 9728 protected resource metadata: this PDS is its own authorization server. */
export function protectedResourceMetadata(config: Config) {
  return {
    resource: config.publicUrl,
    authorization_servers: [config.publicUrl],
    bearer_methods_supported: ['header'],
    scopes_supported: [],
    resource_documentation: 'https://atproto.com',
  }
}

/** RFC 8414 authorization server metadata, with every field the atproto OAuth profile requires. */
export function authorizationServerMetadata(config: Config) {
  return {
    issuer: config.publicUrl,
    scopes_supported: SCOPES_SUPPORTED,
    subject_types_supported: ['public'],
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'fragment'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    ui_locales_supported: ['en-US'],
    display_values_supported: ['page'],
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    authorization_response_iss_parameter_supported: true,
    request_parameter_supported: false,
    request_uri_parameter_supported: true,
    require_request_uri_registration: true,
    authorization_endpoint: at(config, OAUTH_PATHS.authorize),
    token_endpoint: at(config, OAUTH_PATHS.token),
    token_endpoint_auth_methods_supported: ['none', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: CLIENT_ASSERTION_ALGS,
    revocation_endpoint: at(config, OAUTH_PATHS.revoke),
    pushed_authorization_request_endpoint: at(config, OAUTH_PATHS.par),
    require_pushed_authorization_requests: true,
    dpop_signing_alg_values_supported: DPOP_ALGS,
    protected_resources: [config.publicUrl],
    client_id_metadata_document_supported: true,
  }
}
