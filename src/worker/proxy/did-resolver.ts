import { invalidRequest, XRPCError } from '../../shared/xrpc-error'
import { checkPublicUrl } from './endpoint-policy'

type ServiceEntry = { id?: unknown; type?: unknown; serviceEndpoint?: unknown }
/** The parts of a DID document the proxy reads. */
export type DidDocument = { id: string; service?: ServiceEntry[] }

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

const MAX_DOC_BYTES = 64 * 1024
const MAX_ENTRIES = 500

const unresolvable = (did: string) => invalidRequest(`could not resolve proxy did: ${did}`)

/**
 * Resolves did:web (`https://<host>/.well-known/did.json`; http only for localhost, and
 * only when insecure targets are allowed) and did:plc (`<PLC_URL>/<did>`), caching
 * documents in the isolate for `ttlMs`. Failures are not cached.
 */
export class DidResolver {
  private readonly cache = new Map<string, { doc: DidDocument; expiresAt: number }>()
  private readonly ttlMs: number
  private readonly now: () => number

  constructor(private readonly opts: DidResolverOptions) {
    this.ttlMs = opts.ttlMs ?? 5 * 60_000
    this.now = opts.now ?? Date.now
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

  private documentUrl(did: string): string {
    if (did.startsWith('did:plc:')) return `${this.opts.plcUrl}/${encodeURIComponent(did)}`
    if (did.startsWith('did:web:')) {
      const id = did.slice('did:web:'.length)
      // atproto supports hostname-level did:web only: no path segments.
      if (id.includes(':')) throw unresolvable(did)
      const host = decodeURIComponent(id)
      const scheme = /^localhost(:\d+)?$/.test(host) ? 'http' : 'https'
      return checkPublicUrl(`${scheme}://${host}/.well-known/did.json`, this.opts.allowInsecure)
    }
    throw unresolvable(did)
  }

  private async fetchDocument(did: string): Promise<DidDocument> {
    const url = this.documentUrl(did)
    let res: Response
    try {
      res = await this.opts.fetch(url, {
        headers: { accept: 'application/did+ld+json, application/json' },
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      })
    } catch {
      throw new XRPCError(502, 'UpstreamFailure', `could not resolve proxy did: ${did}`)
    }
    if (!res.ok) {
      await res.body?.cancel()
      throw unresolvable(did)
    }
    const text = await res.text()
    if (text.length > MAX_DOC_BYTES) throw unresolvable(did)
    let doc: unknown
    try {
      doc = JSON.parse(text)
    } catch {
      throw unresolvable(did)
    }
    if (typeof doc !== 'object' || doc === null || (doc as DidDocument).id !== did) throw unresolvable(did)
    const service = (doc as DidDocument).service
    if (service !== undefined && !Array.isArray(service)) throw unresolvable(did)
    return doc as DidDocument
  }
}
