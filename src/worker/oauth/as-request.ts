import type { Config } from '../../shared/config'
import { readLimited } from '../read-limited'
import { currentNonce } from './dpop-nonce'
import { type VerifiedProof, verifyDpopProof } from './dpop-proof'
import { invalidRequest, OAuthError } from './oauth-error'

const MAX_FORM_BYTES = 64 * 1024

/**
 * The body of a PAR, token or revocation request: `application/x-www-form-urlencoded`
 * as RFC 6749 says (JSON objects of strings are accepted too, as the reference does).
 */
export async function readForm(req: Request): Promise<URLSearchParams> {
  const type = (req.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  const bytes = req.body ? await readLimited(req.body, MAX_FORM_BYTES) : new Uint8Array()
  if (bytes === null) throw new OAuthError(413, 'invalid_request', 'Request body too large')
  const text = new TextDecoder().decode(bytes)
  if (type === 'application/x-www-form-urlencoded') return new URLSearchParams(text)
  if (type === 'application/json') {
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      throw invalidRequest('Body is not valid JSON')
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw invalidRequest('Body must be an object')
    const form = new URLSearchParams()
    for (const [k, v] of Object.entries(body)) {
      if (typeof v !== 'string') throw invalidRequest(`"${k}" must be a string`)
      form.set(k, v)
    }
    return form
  }
  throw invalidRequest('Body must be application/x-www-form-urlencoded')
}

/** A single-valued, non-empty form parameter, or null. */
export function param(form: URLSearchParams, name: string): string | null {
  const all = form.getAll(name)
  if (all.length > 1) throw invalidRequest(`"${name}" must be given once`)
  return all[0] || null
}

/**
 * The DPoP proof of an authorization-server request: required, with a fresh server
 * nonce. A missing or stale nonce is 400 `use_dpop_nonce` carrying the `DPoP-Nonce` to
 * use (RFC 9449 §8); any other fault is 400 `invalid_dpop_proof`.
 */
export async function requireAsProof(req: Request, config: Config): Promise<VerifiedProof> {
  const checked = await verifyDpopProof(req, config.jwtSecret)
  if (checked.ok) return checked.value
  const { error, message } = checked.problem
  throw new OAuthError(400, error, message, { 'DPoP-Nonce': await currentNonce(config.jwtSecret) })
}
