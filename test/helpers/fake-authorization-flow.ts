import type {
  AuthorizationFlow,
  ClientDisplay,
  FlowError,
  FlowResult,
  GrantSummary,
  PendingAuthorization,
} from '../../src/worker/oauth/authorization-flow'

/**
 * An in-memory AuthorizationFlow for testing the pages without the protocol side. It acts
 * as the real one is specified to: a request is used up by approve or deny, an expired one
 * is refused with a redirect, an unknown one without, and a remembered approval marks the
 * client's later requests for (at most) that scope as `rememberedConsent`.
 */

export const ISSUER = 'https://pds.test'

type Pending = Omit<PendingAuthorization, 'rememberedConsent'> & {
  state: string
  responseMode: 'query' | 'fragment'
}

export type FlowCall =
  | { op: 'load'; requestUri: string; clientId: string }
  | { op: 'approve'; requestUri: string; remember: boolean }
  | { op: 'deny'; requestUri: string }
  | { op: 'revokeGrant'; grantId: string }

export const exampleClient = (over: Partial<ClientDisplay> = {}): ClientDisplay => ({
  clientId: 'https://app.example.com/client-metadata.json',
  name: 'Example App',
  logoUri: 'https://app.example.com/logo.png',
  clientUri: 'https://app.example.com',
  policyUri: 'https://app.example.com/privacy',
  tosUri: null,
  loopback: false,
  ...over,
})

export class FakeAuthorizationFlow implements AuthorizationFlow {
  readonly calls: FlowCall[] = []
  readonly grants = new Map<string, GrantSummary>()
  private readonly pending = new Map<string, Pending>()
  private readonly remembered = new Map<string, Set<string>>()
  private counter = 0
  now = () => Date.now()

  /** Pushes a request as PAR would; returns its request_uri. */
  push(
    opts: {
      client?: ClientDisplay
      scope?: string
      prompt?: string | null
      loginHint?: string | null
      redirectUri?: string
      state?: string
      responseMode?: 'query' | 'fragment'
      ttlMs?: number
    } = {},
  ): PendingAuthorization & { state: string } {
    const client = opts.client ?? exampleClient()
    const requestUri = `urn:ietf:params:oauth:request_uri:req-${++this.counter}`
    const entry: Pending = {
      requestUri,
      client,
      redirectUri: opts.redirectUri ?? 'https://app.example.com/callback',
      scope: opts.scope ?? 'atproto transition:generic',
      loginHint: opts.loginHint ?? null,
      prompt: opts.prompt ?? null,
      expiresAt: this.now() + (opts.ttlMs ?? 300_000),
      state: opts.state ?? `state-${this.counter}`,
      responseMode: opts.responseMode ?? 'query',
    }
    this.pending.set(requestUri, entry)
    return { ...this.view(entry), state: entry.state }
  }

  remember(clientId: string, scope: string): void {
    const set = this.remembered.get(clientId) ?? new Set()
    for (const s of scope.split(' ')) set.add(s)
    this.remembered.set(clientId, set)
  }

  addGrant(grant: GrantSummary): void {
    this.grants.set(grant.grantId, grant)
  }

  async load(requestUri: string, clientId: string): Promise<FlowResult<PendingAuthorization>> {
    this.calls.push({ op: 'load', requestUri, clientId })
    const found = this.live(requestUri)
    if (!found.ok) return found
    if (found.value.client.clientId !== clientId)
      return this.fail('invalid_request', 'The request was made by another client.', null)
    return { ok: true, value: this.view(found.value) }
  }

  async approve(
    requestUri: string,
    opts: { remember: boolean },
  ): Promise<FlowResult<{ redirectUrl: string }>> {
    this.calls.push({ op: 'approve', requestUri, remember: opts.remember })
    const found = this.live(requestUri)
    if (!found.ok) return found
    const p = found.value
    this.pending.delete(requestUri)
    if (opts.remember) this.remember(p.client.clientId, p.scope)
    const grantId = `grant-${this.counter}`
    const at = this.now()
    this.grants.set(grantId, { grantId, client: p.client, scope: p.scope, createdAt: at, lastUsedAt: at })
    return { ok: true, value: { redirectUrl: this.redirect(p, { code: `code-for-${requestUri}` }) } }
  }

  async deny(requestUri: string): Promise<FlowResult<{ redirectUrl: string }>> {
    this.calls.push({ op: 'deny', requestUri })
    const found = this.live(requestUri)
    if (!found.ok) return found
    this.pending.delete(requestUri)
    const redirectUrl = this.redirect(found.value, {
      error: 'access_denied',
      error_description: 'The owner denied the request',
    })
    return { ok: true, value: { redirectUrl } }
  }

  async listGrants(): Promise<GrantSummary[]> {
    return [...this.grants.values()]
  }

  async revokeGrant(grantId: string): Promise<void> {
    this.calls.push({ op: 'revokeGrant', grantId })
    this.grants.delete(grantId)
  }

  /** The calls of one kind, in order. */
  callsOf<K extends FlowCall['op']>(op: K): Extract<FlowCall, { op: K }>[] {
    return this.calls.filter((c): c is Extract<FlowCall, { op: K }> => c.op === op)
  }

  private live(requestUri: string): FlowResult<Pending> {
    const p = this.pending.get(requestUri)
    if (!p) return this.fail('invalid_request', 'This request is unknown or was already used.', null)
    if (p.expiresAt <= this.now()) {
      this.pending.delete(requestUri)
      return this.fail(
        'access_denied',
        'This request has expired.',
        this.redirect(p, { error: 'access_denied' }),
      )
    }
    return { ok: true, value: p }
  }

  private view(p: Pending): PendingAuthorization {
    const remembered = this.remembered.get(p.client.clientId)
    const { state: _s, responseMode: _m, ...rest } = p
    return { ...rest, rememberedConsent: !!remembered && p.scope.split(' ').every((s) => remembered.has(s)) }
  }

  private redirect(p: Pending, params: Record<string, string>): string {
    const url = new URL(p.redirectUri)
    const all = new URLSearchParams({ ...params, state: p.state, iss: ISSUER })
    if (p.responseMode === 'fragment') url.hash = all.toString()
    else for (const [k, v] of all) url.searchParams.set(k, v)
    return url.toString()
  }

  private fail(
    error: string,
    description: string,
    redirectUrl: string | null,
  ): { ok: false; error: FlowError } {
    return { ok: false, error: { error, description, redirectUrl } }
  }
}
