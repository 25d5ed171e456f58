import { calculateJwkThumbprint, EmbeddedJWK, type JWK, jwtVerify } from 'jose'
import type { OnceKey } from '../../actors/account'
import { sha256B64url } from './derived-keys'
import { isFreshNonce } from './dpop-nonce'

/** How far a proof's `iat` may be from now, either way. */
export const PROOF_IAT_WINDOW_S = 60

/**
 * How long after `iat` a proof's `jti` is remembered: twice the window, so the record
 * outlives the last moment any clock (the Worker's that accepts, the actor's that purges)
 * could still take the proof.
 */
export const PROOF_JTI_TTL_S = 2 * PROOF_IAT_WINDOW_S

/**
 * Asymmetric algorithms a proof may use (RFC 9449 §4.2 forbids MACs and `none`). Clients
 * pick from this list, so it holds only what jose verifies under workerd: no ES256K.
 */
export const DPOP_ALGS = ['ES256', 'ES384', 'ES512', 'PS256', 'RS256']

/** A proof that checked out: the key it binds to and the single-use key of its `jti`. */
export type VerifiedProof = { jkt: string; once: OnceKey }

/**
 * Why a proof is refused: `use_dpop_nonce` (missing or stale server nonce: retry with
 * the `DPoP-Nonce` answered) or `invalid_dpop_proof`. The authorization server answers
 * them as 400 and the resource server as 401 (RFC 9449 §§7.1, 8, 9).
 */
export type DpopProblem = { error: 'use_dpop_nonce' | 'invalid_dpop_proof'; message: string }

type Outcome = { ok: true; value: VerifiedProof } | { ok: false; problem: DpopProblem }

const invalid = (message: string): Outcome => ({
  ok: false,
  problem: { error: 'invalid_dpop_proof', message },
})

/** `htu` as RFC 9449 §4.3 compares it: the URL without query and fragment. */
export function htuOf(url: string): string | null {
  try {
    const u = new URL(url)
    return u.origin + u.pathname
  } catch {
    return null
  }
}

/**
 * Checks the `DPoP` header of `req` (RFC 9449 §4.3): a `dpop+jwt` signed with the public
 * key it embeds, `htm`/`htu` of this request, `iat` within the window, a `jti`, a
 * server nonce this PDS issued recently, and `ath` exactly when an access token is
 * presented with it. The `jti` is used once by the caller's account-actor call.
 */
export async function verifyDpopProof(
  req: Request,
  jwtSecret: string,
  opts: { accessToken?: string; now?: number } = {},
): Promise<Outcome> {
  const proof = req.headers.get('dpop')
  if (!proof) return invalid('DPoP proof required')
  if (proof.includes(',')) return invalid('Exactly one DPoP proof required')
  const now = opts.now ?? Date.now()
  let payload: Record<string, unknown>
  let jwk: JWK
  try {
    const verified = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: DPOP_ALGS,
      currentDate: new Date(now),
    })
    payload = verified.payload
    jwk = verified.protectedHeader.jwk as JWK
  } catch (e) {
    return invalid(`Invalid DPoP proof: ${e instanceof Error ? e.message : 'unverifiable'}`)
  }
  if ('d' in jwk) return invalid('DPoP proof key must be a public key')
  const { iat, jti, htm, htu, nonce, ath } = payload
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) return invalid('DPoP proof "jti" missing')
  if (typeof iat !== 'number' || Math.abs(now / 1000 - iat) > PROOF_IAT_WINDOW_S)
    return invalid('DPoP proof "iat" is missing or too far from now')
  if (htm !== req.method) return invalid('DPoP "htm" mismatch')
  if (typeof htu !== 'string' || htuOf(htu) !== htuOf(req.url)) return invalid('DPoP "htu" mismatch')
  if (opts.accessToken !== undefined) {
    if (ath !== (await sha256B64url(opts.accessToken))) return invalid('DPoP "ath" mismatch')
  } else if (ath !== undefined) {
    return invalid('DPoP "ath" is only for requests with an access token')
  }
  if (typeof nonce !== 'string' || !(await isFreshNonce(jwtSecret, nonce, now)))
    return {
      ok: false,
      problem: { error: 'use_dpop_nonce', message: 'Authorization server requires nonce in DPoP proof' },
    }
  const jkt = await calculateJwkThumbprint(jwk, 'sha256')
  return {
    ok: true,
    value: { jkt, once: { key: `dpop:${jkt}:${jti}`, expiresAt: (iat + PROOF_JTI_TTL_S) * 1000 } },
  }
}
