import { AtpAgent } from '@atproto/api'
import { BASE_URL, workerFetch } from './client'
import { TEST_BINDINGS } from './test-identity'

/** The owner's main password and JWT secret, as the worker under test is configured. */
export const PASSWORD = TEST_BINDINGS.PASSWORD
export const JWT_SECRET = TEST_BINDINGS.JWT_SECRET

export type SessionOutput = {
  accessJwt: string
  refreshJwt: string
  did: string
  handle: string
  didDoc: { id: string; service: { id: string; serviceEndpoint: string }[] }
  active: boolean
  email?: string
  emailConfirmed: boolean
  emailAuthFactor: boolean
}

/** An unauthenticated AtpAgent on the worker (the way the app starts). */
export const freshAgent = (): AtpAgent => new AtpAgent({ service: BASE_URL, fetch: workerFetch })

/** An XRPC call with an explicit Bearer token (or none) and optional extra headers. */
export function callAs(
  token: string | null,
  nsid: string,
  opts: {
    query?: Record<string, string>
    body?: unknown
    method?: string
    headers?: Record<string, string>
  } = {},
): Promise<Response> {
  const url = new URL(`/xrpc/${nsid}`, BASE_URL)
  for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v)
  const headers: Record<string, string> = { ...opts.headers }
  if (token !== null) headers.authorization = `Bearer ${token}`
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  return workerFetch(url, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  })
}

/** createSession over raw HTTP; throws unless it succeeds. */
export async function login(
  password = PASSWORD,
  identifier: string = TEST_BINDINGS.HANDLE,
): Promise<SessionOutput> {
  const res = await callAs(null, 'com.atproto.server.createSession', { body: { identifier, password } })
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  return (await res.json()) as SessionOutput
}

const b64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

const b64urlJson = (value: unknown): string => b64url(new TextEncoder().encode(JSON.stringify(value)))

/** Decodes a JWT's header and payload without verifying anything. */
export function decodeJwt(token: string): {
  header: Record<string, unknown>
  payload: Record<string, unknown>
} {
  const [h, p] = token.split('.')
  const decode = (part: string | undefined) =>
    JSON.parse(atob((part ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>
  return { header: decode(h), payload: decode(p) }
}

/**
 * Signs an HS256 JWT independently of the code under test (WebCrypto here), e.g. an
 * access token with a past `exp`, or one signed with the wrong secret.
 */
export async function mintHs256(header: object, payload: object, secret = JWT_SECRET): Promise<string> {
  const input = `${b64urlJson({ alg: 'HS256', ...header })}.${b64urlJson(payload)}`
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const sig = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input))
  return `${input}.${b64url(new Uint8Array(sig))}`
}

/** An access token exactly as a valid one, but with `exp` in the past. */
export function expiredAccessToken(): Promise<string> {
  const iat = Math.floor(Date.now() / 1000) - 3 * 3600
  return mintHs256(
    { typ: 'at+jwt' },
    { scope: 'com.atproto.access', sub: TEST_BINDINGS.DID, aud: 'did:web:pds.test', iat, exp: iat + 7200 },
  )
}
