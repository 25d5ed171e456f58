import { verifySignature } from '@atproto/crypto'
import type { Config } from '../../shared/config'
import { XRPCError } from '../../shared/xrpc-error'
import { b64urlEncode, decodeJwt, signingInputFor } from './jwt'
import { isOwnAudience } from './own-audience'
import { ownerDidKey, signingKeypair } from './signing-key'

const utf8 = new TextEncoder()

/** Default lifetime of a service JWT the PDS mints for itself (atproto `createServiceJwt`). */
export const SERVICE_JWT_TTL_SECONDS = 60

/** The longest life an inbound service JWT may claim (`exp - iat`), as getServiceAuth allows. */
export const MAX_INBOUND_SERVICE_JWT_SECONDS = 60 * 60

/** Session-token types a service JWT must never carry (atproto xrpc-server `verifyJwt`). */
const FORBIDDEN_TYPS = new Set(['at+jwt', 'refresh+jwt', 'dpop+jwt'])

/**
 * Mints an inter-service JWT signed with the repo key: header `{typ: 'JWT', alg: 'ES256K'}`,
 * payload `{iat, iss, aud, exp, lxm?, jti}`; the signature is compact low-S, base64url.
 */
export async function createServiceJwt(
  config: Config,
  opts: { aud: string; lxm: string | null; exp?: number; now: number },
): Promise<string> {
  const keypair = await signingKeypair(config)
  const iat = Math.floor(opts.now / 1000)
  const payload = {
    iat,
    iss: config.did,
    aud: opts.aud,
    exp: opts.exp ?? iat + SERVICE_JWT_TTL_SECONDS,
    ...(opts.lxm ? { lxm: opts.lxm } : {}),
    jti: [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join(''),
  }
  const input = signingInputFor({ typ: 'JWT', alg: keypair.jwtAlg }, payload)
  const sig = await keypair.sign(utf8.encode(input))
  return `${input}.${b64urlEncode(sig)}`
}

const authError = (error: string, message: string) => new XRPCError(401, error, message)

/** Whether a bearer token is shaped like a service JWT (asymmetric alg) rather than a session token. */
export function looksLikeServiceJwt(token: string): boolean {
  const alg = decodeJwt(token)?.header.alg
  return alg === 'ES256K' || alg === 'ES256'
}

/**
 * Verifies an inbound service JWT made by the owner for this PDS: `iss` is the owner's
 * DID, `aud` this PDS's service DID (bare or `#atproto_pds`), `lxm` the called method,
 * not expired, living at most an hour (`exp - iat`), with a `jti`, and signed by the
 * owner's `#atproto` key. Failures are 401s named as the reference names them. That the
 * `jti` was issued here and is used once is the account actor's to check.
 * `didKey` replaces our own key: createAccount checks a JWT the owner's previous PDS signed
 * with the key the DID document still names.
 */
export async function verifyInboundServiceJwt(
  token: string,
  config: Config,
  opts: { lxm: string; now: number; didKey?: string },
): Promise<{ iss: string; lxm: string; jti: string }> {
  const jwt = decodeJwt(token)
  if (!jwt) throw authError('BadJwt', 'Poorly formatted jwt')
  const { header, payload } = jwt
  if (typeof header.typ === 'string' && FORBIDDEN_TYPS.has(header.typ)) {
    throw authError('BadJwtType', 'Invalid jwt type')
  }
  if (payload.iss !== config.did) {
    throw authError('UntrustedIss', 'Service JWT issuer is not the owner of this PDS')
  }
  if (typeof payload.aud !== 'string' || !isOwnAudience(config, payload.aud)) {
    throw authError('BadJwtAudience', 'jwt audience does not match service did')
  }
  if (payload.lxm !== opts.lxm) {
    throw authError('BadJwtLexiconMethod', `bad jwt lexicon method ("lxm"). must match: ${opts.lxm}`)
  }
  if (typeof payload.exp !== 'number' || payload.exp * 1000 <= opts.now) {
    throw authError('JwtExpired', 'jwt expired')
  }
  if (typeof payload.iat !== 'number' || payload.exp - payload.iat > MAX_INBOUND_SERVICE_JWT_SECONDS) {
    throw authError('BadJwt', 'jwt lifetime (exp - iat) must be at most an hour')
  }
  if (typeof payload.jti !== 'string' || payload.jti === '') throw authError('BadJwt', 'jwt has no jti')
  let valid = false
  try {
    // verifySignature throws when `alg` does not name the key's type: that is a bad signature too.
    valid = await verifySignature(
      opts.didKey ?? (await ownerDidKey(config)),
      utf8.encode(jwt.signingInput),
      jwt.signature,
      {
        jwtAlg: String(header.alg),
      },
    )
  } catch {
    valid = false
  }
  if (!valid) throw authError('BadJwtSignature', 'jwt signature does not match jwt issuer')
  return { iss: config.did, lxm: opts.lxm, jti: payload.jti }
}
