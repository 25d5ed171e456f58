/** A DPoP key for tests (RFC 9449), written with jose, not the server's code; and the encodings it uses. */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose'

const utf8 = new TextEncoder()
const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
export const sha256 = async (text: string) =>
  b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8.encode(text))))
export const randomString = (bytes = 32) => b64url(crypto.getRandomValues(new Uint8Array(bytes)))

/** Claims of a proof a test may bend to provoke a refusal. */
export type ProofOverrides = {
  htm?: string
  htu?: string
  ath?: string | null
  nonce?: string | null
  jti?: string
  iat?: number
  typ?: string
}

/** An ES256 DPoP key pair and the proofs it signs (RFC 9449 §4.2). */
export class DpopKey {
  private constructor(
    private readonly privateKey: CryptoKey,
    readonly publicJwk: JWK,
  ) {}

  static async generate(): Promise<DpopKey> {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    const { kty, crv, x, y } = await exportJWK(publicKey)
    return new DpopKey(privateKey as CryptoKey, { kty, crv, x, y })
  }

  /** A DPoP key from a private JWK (a test that reuses another key on purpose). */
  static async fromPrivateJwk(jwk: JWK): Promise<DpopKey> {
    const { kty, crv, x, y } = jwk
    return new DpopKey((await importJWK(jwk, 'ES256')) as CryptoKey, { kty, crv, x, y })
  }

  thumbprint(): Promise<string> {
    return calculateJwkThumbprint(this.publicJwk, 'sha256')
  }

  async proof(
    method: string,
    url: string,
    opts: { nonce?: string | null; accessToken?: string } & ProofOverrides = {},
  ) {
    const u = new URL(url)
    const payload: Record<string, unknown> = {
      jti: opts.jti ?? randomString(16),
      htm: opts.htm ?? method,
      htu: opts.htu ?? `${u.origin}${u.pathname}`,
      iat: opts.iat ?? Math.floor(Date.now() / 1000),
    }
    if (opts.nonce) payload.nonce = opts.nonce
    const ath = opts.ath !== undefined ? opts.ath : opts.accessToken ? await sha256(opts.accessToken) : null
    if (ath !== null) payload.ath = ath
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', typ: opts.typ ?? 'dpop+jwt', jwk: this.publicJwk })
      .sign(this.privateKey)
  }
}
