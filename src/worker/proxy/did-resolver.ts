import { type DidDocument, isAtprotoDid } from '@atcute/identity'
import {
  CompositeDidDocumentResolver,
  type DidDocumentResolver,
  PlcDidDocumentResolver,
  WebDidDocumentResolver,
} from '@atcute/identity-resolver'
import { invalidRequest, XRPCError } from '../../shared/xrpc-error'
import { readLimited } from '../read-limited'
import { checkPublicUrl } from './endpoint-policy'

/** A DID document, validated against `@atcute/identity`'s schema. */
export type { DidDocument }

export type DidResolverOptions = {
  fetch: typeof fetch
  plcUrl: string
  allowInsecure: boolean
  /** How long a resolved document is reused (default 5 minutes). */
  ttlMs?: number
  /** How long to wait for a DID document (default 10 s). */
  timeoutMs?: number
  now?: () => number
}

// @NOTE the library refuses documents over 20 KB after this read; 64 KB bounds what we buffer.
const MAX_DOC_BYTES = 64 * 1024
const MAX_ENTRIES = 500

const unresolvable = (did: string) => invalidRequest(`could not resolve proxy did: ${did}`)

/** The DID's host did not answer (network failure or timeout): a 502, not the caller's fault. */
class DidHostUnreachableError extends Error {}

/**
 * The fetch the library calls: the target policy on every URL (an XRPCError, passed on
 * as it is), no redirects, and at most `MAX_DOC_BYTES` of body read through `readLimited`
 * before the library parses it.
 */
function guardedFetch(fetchImpl: typeof fetch, allowInsecure: boolean): typeof fetch {
  return async (input, init) => {
    const url = checkPublicUrl(input instanceof Request ? input.url : String(input), allowInsecure)
    let res: Response
    let body: Uint8Array | null
    try {
      res = await fetchImpl(url, { headers: init?.headers, redirect: 'manual', signal: init?.signal })
      if (!res.ok) {
        await res.body?.cancel()
        return new Response(null, { status: res.status })
      }
      body = res.body ? await readLimited(res.body, MAX_DOC_BYTES) : new Uint8Array()
    } catch (cause) {
      throw new DidHostUnreachableError('DID host unreachable', { cause })
    }
    if (body === null) throw new Error(`DID document over ${MAX_DOC_BYTES} bytes`)
    // Only the media type goes on: the body is already decoded, so the upstream's
    // content-length and content-encoding no longer describe it.
    const type = res.headers.get('content-type')
    return new Response(body, { status: res.status, headers: type ? { 'content-type': type } : {} })
  }
}

/** The XRPC error for a failed resolution; the library wraps the fetch's errors in `cause`. */
function resolutionError(did: string, e: unknown): XRPCError {
  const cause = e instanceof Error ? e.cause : undefined
  if (cause instanceof XRPCError) return cause
  if (cause instanceof DidHostUnreachableError) {
    return new XRPCError(502, 'UpstreamFailure', `could not resolve proxy did: ${did}`)
  }
  return unresolvable(did)
}

/**
 * Resolves did:web (`https://<host>/.well-known/did.json`; http only for localhost, and
 * only when insecure targets are allowed) and did:plc (`<PLC_URL>/<did>`) with
 * `@atcute/identity-resolver`, caching documents in the isolate for `ttlMs`. Failures
 * are not cached.
 */
export class DidResolver {
  private readonly cache = new Map<string, { doc: DidDocument; expiresAt: number }>()
  private readonly methods: DidDocumentResolver
  private readonly ttlMs: number
  private readonly now: () => number

  constructor(private readonly opts: DidResolverOptions) {
    this.ttlMs = opts.ttlMs ?? 5 * 60_000
    this.now = opts.now ?? Date.now
    const fetch = guardedFetch(opts.fetch, opts.allowInsecure)
    this.methods = new CompositeDidDocumentResolver({
      methods: {
        plc: new PlcDidDocumentResolver({ apiUrl: opts.plcUrl, fetch }),
        // The generic did:web resolver, not the atproto one: it maps localhost to http,
        // which the policy then admits only when insecure targets are allowed. Path
        // segments never reach it (`isAtprotoDid` below).
        web: new WebDidDocumentResolver({ fetch }),
      },
    })
  }

  async resolve(did: string): Promise<DidDocument> {
    const hit = this.cache.get(did)
    if (hit && hit.expiresAt > this.now()) return hit.doc
    const doc = await this.fetchDocument(did)
    this.cache.delete(did)
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string)
    this.cache.set(did, { doc, expiresAt: this.now() + this.ttlMs })
    return doc
  }

  /** The endpoint of service `#id` in `did`'s document, checked against the target policy. */
  async serviceEndpoint(did: string, serviceId: string): Promise<string> {
    const doc = await this.resolve(did)
    const entry = doc.service?.find((s) => s.id === serviceId || s.id === `${did}${serviceId}`)
    if (typeof entry?.serviceEndpoint !== 'string') {
      throw invalidRequest('could not resolve proxy did service url')
    }
    return checkPublicUrl(entry.serviceEndpoint, this.opts.allowInsecure)
  }

  private async fetchDocument(did: string): Promise<DidDocument> {
    // atproto's subset: did:plc, and hostname-level did:web (a port only for localhost).
    if (!isAtprotoDid(did)) throw unresolvable(did)
    let doc: DidDocument
    try {
      doc = await this.methods.resolve(did, { signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) })
    } catch (e) {
      throw resolutionError(did, e)
    }
    if (doc.id !== did) throw unresolvable(did)
    return doc
  }
}
