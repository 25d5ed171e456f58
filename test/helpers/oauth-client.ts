/**
 * A real DPoP OAuth client for workerd tests, written from the RFCs with jose (not the
 * server's code): an ES256 DPoP key, proofs with server nonces, PAR with PKCE, the
 * owner's approval through `authorizationFlow` (what the consent page calls), the token
 * exchange, refresh, and DPoP-authenticated XRPC calls.
 *
 *   const s = await oauthSession('atproto transition:generic')
 *   const res = await s.fetchXrpc('com.atproto.server.getSession')
 */
import { env } from 'cloudflare:test'
import { importJWK, SignJWT } from 'jose'
import { configFor } from '../../src/worker/config-cache'
import { authorizationFlow } from '../../src/worker/oauth/flow'
import { BASE_URL, workerFetch } from './client'
import { DpopKey, type ProofOverrides, randomString, sha256 } from './dpop-key'
import { OAUTH_TEST_CLIENTS, TEST_CLIENT_KID, TEST_CLIENT_PRIVATE_JWK } from './oauth-test-clients'

export { DpopKey, type ProofOverrides, sha256 } from './dpop-key'

export type TestClientKind = 'public' | 'confidential' | 'confidentialJwksUri'

export type TokenSet = {
  access_token: string
  token_type: string
  expires_in: number
  refresh_token?: string
  scope: string
  sub: string
}

/** The last `DPoP-Nonce` the server answered; shared, as every isolate computes the same ones. */
let serverNonce: string | null = null

const isNonceChallenge = async (res: Response) => {
  if (res.headers.get('www-authenticate')?.includes('use_dpop_nonce')) return true
  if (res.status !== 400) return false
  const body = (await res
    .clone()
    .json()
    .catch(() => ({}))) as { error?: string }
  return body.error === 'use_dpop_nonce'
}

/** A client of the kind given, with its own DPoP key unless one is passed. */
export class TestOAuthClient {
  readonly clientId: string
  readonly redirectUri: string

  private constructor(
    readonly kind: TestClientKind,
    readonly key: DpopKey,
  ) {
    this.clientId = OAUTH_TEST_CLIENTS[kind].clientId
    this.redirectUri = OAUTH_TEST_CLIENTS[kind].redirectUri
  }

  static async create(kind: TestClientKind = 'public', key?: DpopKey): Promise<TestOAuthClient> {
    return new TestOAuthClient(kind, key ?? (await DpopKey.generate()))
  }

  /** A `private_key_jwt` client assertion (RFC 7523) for the confidential client. */
  async clientAssertion(overrides: { jti?: string; aud?: string; iss?: string } = {}): Promise<string> {
    const key = await importJWK(TEST_CLIENT_PRIVATE_JWK, 'ES256')
    return new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: TEST_CLIENT_KID })
      .setIssuer(overrides.iss ?? this.clientId)
      .setSubject(this.clientId)
      .setAudience(overrides.aud ?? BASE_URL)
      .setJti(overrides.jti ?? randomString(16))
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(key)
  }

  /** The client's own form fields: `client_id` and, when confidential, a fresh assertion. */
  async clientFields(): Promise<Record<string, string>> {
    if (this.kind === 'public') return { client_id: this.clientId }
    return {
      client_id: this.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await this.clientAssertion(),
    }
  }

  /**
   * POSTs a form to an authorization-server endpoint with a DPoP proof, retrying once
   * with the server's nonce when told to (as real clients do). `proof` replaces the
   * proof (null sends none); `noRetry` returns the first answer.
   */
  async post(
    path: string,
    form: Record<string, string> | [string, string][],
    opts: { proof?: string | null; overrides?: ProofOverrides; noRetry?: boolean } = {},
  ): Promise<Response> {
    const url = `${BASE_URL}${path}`
    const send = async () => {
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
      const proof =
        opts.proof !== undefined
          ? opts.proof
          : await this.key.proof('POST', url, { nonce: serverNonce, ...opts.overrides })
      if (proof !== null) headers.dpop = proof
      const res = await workerFetch(url, { method: 'POST', headers, body: new URLSearchParams(form) })
      const nonce = res.headers.get('dpop-nonce')
      if (nonce) serverNonce = nonce
      return res
    }
    const first = await send()
    if (opts.noRetry || opts.proof !== undefined || !(await isNonceChallenge(first))) return first
    return send()
  }

  /** PAR with PKCE S256; `params` replace or add request parameters (undefined removes one). */
  async par(scope: string, params: Record<string, string | undefined> = {}) {
    const codeVerifier = randomString(32)
    const state = randomString(12)
    const form: Record<string, string | undefined> = {
      ...(await this.clientFields()),
      response_type: 'code',
      redirect_uri: this.redirectUri,
      scope,
      state,
      code_challenge: await sha256(codeVerifier),
      code_challenge_method: 'S256',
      login_hint: 'alice.pds.test',
      ...params,
    }
    const defined = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >
    const response = await this.post('/oauth/par', defined)
    const body = (await response.clone().json()) as {
      request_uri?: string
      expires_in?: number
      error?: string
    }
    return { response, body, requestUri: body.request_uri ?? '', codeVerifier, state }
  }

  /** PAR, then the owner's approval as the consent page gives it; the code from the redirect. */
  async authorize(scope: string, params: Record<string, string | undefined> = {}) {
    const pushed = await this.par(scope, params)
    if (pushed.response.status !== 201)
      throw new Error(`PAR failed: ${pushed.response.status} ${JSON.stringify(pushed.body)}`)
    const approved = await authorizationFlow(env, configFor(env)).approve(pushed.requestUri, {
      remember: false,
    })
    if (!approved.ok) throw new Error(`approve failed: ${approved.error.description}`)
    const redirect = new URL(approved.value.redirectUrl)
    const answer =
      params.response_mode === 'fragment'
        ? new URLSearchParams(redirect.hash.slice(1))
        : redirect.searchParams
    return { ...pushed, code: answer.get('code') ?? '', redirect }
  }

  /** The authorization_code grant. */
  async exchange(code: string, codeVerifier: string, extra: Record<string, string> = {}): Promise<Response> {
    return this.post('/oauth/token', {
      ...(await this.clientFields()),
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.redirectUri,
      code_verifier: codeVerifier,
      ...extra,
    })
  }

  /** The refresh_token grant. */
  async refresh(refreshToken: string): Promise<Response> {
    return this.post('/oauth/token', {
      ...(await this.clientFields()),
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    })
  }

  /**
   * An XRPC call with `Authorization: DPoP <token>` and a proof carrying `ath`, retried
   * once with the nonce a 401 `use_dpop_nonce` gives (as `@atproto/oauth-client` does).
   */
  async xrpc(
    accessToken: string,
    nsid: string,
    opts: {
      method?: string
      query?: Record<string, string>
      body?: unknown
      key?: DpopKey
      overrides?: ProofOverrides
      noRetry?: boolean
    } = {},
  ): Promise<Response> {
    const url = new URL(`/xrpc/${nsid}`, BASE_URL)
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v)
    const method = opts.method ?? (opts.body === undefined ? 'GET' : 'POST')
    const key = opts.key ?? this.key
    const send = async () => {
      const headers: Record<string, string> = {
        authorization: `DPoP ${accessToken}`,
        dpop: await key.proof(method, url.href, { nonce: serverNonce, accessToken, ...opts.overrides }),
      }
      if (opts.body !== undefined) headers['content-type'] = 'application/json'
      const res = await workerFetch(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      })
      const nonce = res.headers.get('dpop-nonce')
      if (nonce) serverNonce = nonce
      return res
    }
    const first = await send()
    if (opts.noRetry || !(await isNonceChallenge(first))) return first
    return send()
  }
}

/** A nonce the server gave out (fetching one first when none was seen yet). */
export async function freshNonce(): Promise<string> {
  if (serverNonce) return serverNonce
  const res = await workerFetch(`${BASE_URL}/oauth/par`, { method: 'POST' })
  serverNonce = res.headers.get('dpop-nonce')
  return serverNonce ?? ''
}

/** A live OAuth session of `scope`, for tests that need one in a few lines. */
export type OAuthSession = {
  client: TestOAuthClient
  tokens: TokenSet
  fetchXrpc: (nsid: string, opts?: Parameters<TestOAuthClient['xrpc']>[2]) => Promise<Response>
  /** Refreshes (rotating the refresh token) and makes `fetchXrpc` use the new access token. */
  refresh: () => Promise<TokenSet>
}

export async function oauthSession(
  scope = 'atproto transition:generic',
  opts: { kind?: TestClientKind } = {},
): Promise<OAuthSession> {
  const client = await TestOAuthClient.create(opts.kind ?? 'public')
  const { code, codeVerifier } = await client.authorize(scope)
  const res = await client.exchange(code, codeVerifier)
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${await res.text()}`)
  const session: OAuthSession = {
    client,
    tokens: (await res.json()) as TokenSet,
    fetchXrpc: (nsid, o) => client.xrpc(session.tokens.access_token, nsid, o),
    refresh: async () => {
      const r = await client.refresh(session.tokens.refresh_token ?? '')
      if (r.status !== 200) throw new Error(`refresh failed: ${r.status} ${await r.text()}`)
      session.tokens = (await r.json()) as TokenSet
      return session.tokens
    },
  }
  return session
}
