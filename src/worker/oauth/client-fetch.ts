import { isLocalHost } from '../proxy/endpoint-policy'
import { readLimited } from '../read-limited'

/** Largest client metadata document or JWKS read (the reference's limit is smaller; this bounds memory). */
export const CLIENT_DOCUMENT_MAX_BYTES = 64 * 1024
/** How long a client's host may take to answer. */
export const CLIENT_FETCH_TIMEOUT_MS = 3_000

/**
 * Why a client document could not be had; the message is for the client developer and
 * never repeats what the remote host answered (status, headers, body).
 */
export class ClientFetchError extends Error {}

/**
 * Fetches a JSON document a client publishes (its metadata document, its `jwks_uri`):
 * https only, to a host that is not loopback, private or link-local (IP literals are
 * checked; a Worker cannot resolve names first, and Cloudflare's fetch does not reach
 * private networks), no redirects, at most `CLIENT_DOCUMENT_MAX_BYTES` within
 * `CLIENT_FETCH_TIMEOUT_MS`.
 */
export async function fetchClientJson(url: string, fetchImpl: typeof fetch = fetch): Promise<unknown> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ClientFetchError(`Not a URL: ${url}`)
  }
  if (parsed.protocol !== 'https:') throw new ClientFetchError('Client documents must be served over https')
  if (parsed.username || parsed.password)
    throw new ClientFetchError('Client document URL must not carry credentials')
  if (isLocalHost(parsed.hostname)) throw new ClientFetchError(`Not a public host: ${parsed.hostname}`)
  let body: Uint8Array | null
  try {
    const res = await fetchImpl(parsed.href, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(CLIENT_FETCH_TIMEOUT_MS),
    })
    if (res.status !== 200) {
      await res.body?.cancel()
      throw new ClientFetchError(`${parsed.href} did not answer 200`)
    }
    const type = res.headers.get('content-type') ?? ''
    if (!/^application\/(.+\+)?json\b/i.test(type)) {
      await res.body?.cancel()
      throw new ClientFetchError(`${parsed.href} did not answer JSON`)
    }
    body = res.body ? await readLimited(res.body, CLIENT_DOCUMENT_MAX_BYTES) : new Uint8Array()
  } catch (e) {
    if (e instanceof ClientFetchError) throw e
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')
    throw new ClientFetchError(
      timedOut ? `${parsed.href} did not answer in time` : `${parsed.href} is unreachable`,
    )
  }
  if (body === null)
    throw new ClientFetchError(`${parsed.href} is larger than ${CLIENT_DOCUMENT_MAX_BYTES} bytes`)
  try {
    return JSON.parse(new TextDecoder().decode(body))
  } catch {
    throw new ClientFetchError(`${parsed.href} is not valid JSON`)
  }
}
