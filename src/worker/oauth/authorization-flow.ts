/**
 * The seam between the OAuth protocol side (PAR, codes, tokens, grants: `src/worker/oauth/`)
 * and the pages the owner sees (`src/worker/oauth/pages/`). The pages sign the owner in and
 * ask for consent; everything they need from the protocol side goes through this interface.
 */

/** What the client says about itself (from its metadata document), for the consent page. */
export type ClientDisplay = {
  clientId: string
  name: string | null
  logoUri: string | null
  clientUri: string | null
  policyUri: string | null
  tosUri: string | null
  /** Loopback development client (`http://localhost?...`): no verified identity to show. */
  loopback: boolean
}

/** A pushed authorization request waiting for the owner's decision. */
export type PendingAuthorization = {
  requestUri: string
  client: ClientDisplay
  redirectUri: string
  /** The requested scope, space-separated atproto permissions (include: sets expanded). */
  scope: string
  /** `login_hint` from the request, when given. */
  loginHint: string | null
  /** `prompt` from the request (`login`, `consent`, `none`, ...), when given. */
  prompt: string | null
  /** The owner approved this client for (at least) this scope before: consent may be skipped. */
  rememberedConsent: boolean
  expiresAt: number
}

/** An app the owner authorized, for the owner's list. */
export type GrantSummary = {
  grantId: string
  client: ClientDisplay
  scope: string
  createdAt: number
  lastUsedAt: number
}

/** Why a pending authorization cannot continue; the pages show it or redirect with it. */
export type FlowError = {
  /** RFC 6749 error code, e.g. `invalid_request`, `access_denied`. */
  error: string
  description: string
  /** Where to send the browser with the error, when the client can be told (redirect_uri known). */
  redirectUrl: string | null
}

export type FlowResult<T> = { ok: true; value: T } | { ok: false; error: FlowError }

export interface AuthorizationFlow {
  /** The pending request for `request_uri` of `client_id`; expired, used or unknown is an error. */
  load(requestUri: string, clientId: string): Promise<FlowResult<PendingAuthorization>>
  /** The owner allowed it: issues the code and returns the redirect (code, state, iss). */
  approve(requestUri: string, opts: { remember: boolean }): Promise<FlowResult<{ redirectUrl: string }>>
  /** The owner refused: the redirect carrying `error=access_denied`, state and iss. */
  deny(requestUri: string): Promise<FlowResult<{ redirectUrl: string }>>
  listGrants(): Promise<GrantSummary[]>
  revokeGrant(grantId: string): Promise<void>
}
