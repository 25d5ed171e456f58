import type { CredentialCheck } from '../../actors/account'
import type { Config } from '../../shared/config'
import { XRPCError } from '../../shared/xrpc-error'
import type { OwnerCredential } from '../auth/credential'
import { verifyOAuthAccessToken } from './access-token'
import { currentNonce } from './dpop-nonce'
import { verifyDpopProof } from './dpop-proof'

/** The `WWW-Authenticate: DPoP` challenge of RFC 9449 §7.1 with an error. */
const challenge = (error: string, description: string) =>
  `DPoP algs="ES256", error="${error}", error_description="${description.replace(/["\\]/g, '')}"`

/**
 * A refusal of the resource server: 401 with the DPoP challenge (clients read
 * `invalid_token` there as "refresh", `use_dpop_nonce` as "retry with the nonce") and
 * a `DPoP-Nonce` to use next.
 */
async function refused(
  config: Config,
  error: string,
  xrpcError: string,
  message: string,
): Promise<XRPCError> {
  return new XRPCError(401, xrpcError, message, {
    'WWW-Authenticate': challenge(error, message),
    'DPoP-Nonce': await currentNonce(config.jwtSecret),
  })
}

/**
 * Checks `Authorization: DPoP <token>` with its proof (RFC 9449 §7): a live access
 * token of this PDS, and a proof for this request (`htm`, `htu`, `ath` of the token, a
 * fresh nonce) signed with the key the token is bound to. The proof's `jti` and the
 * grant are confirmed by the account actor (`check`).
 */
export async function verifyDpopAccess(
  req: Request,
  token: string,
  config: Config,
  now = Date.now(),
): Promise<{ credential: OwnerCredential; check: CredentialCheck }> {
  const verified = await verifyOAuthAccessToken(token, config, now)
  if (!verified.ok) {
    const message = verified.problem === 'expired' ? 'Token has expired' : 'Token could not be verified'
    throw await refused(
      config,
      'invalid_token',
      verified.problem === 'expired' ? 'ExpiredToken' : 'InvalidToken',
      message,
    )
  }
  const proof = await verifyDpopProof(req, config.jwtSecret, { accessToken: token, now })
  if (!proof.ok) {
    const { error, message } = proof.problem
    throw await refused(
      config,
      error,
      error === 'use_dpop_nonce' ? 'UseDpopNonce' : 'InvalidDpopProof',
      message,
    )
  }
  const { claims } = verified
  if (proof.value.jkt !== claims.jkt)
    throw await refused(
      config,
      'invalid_dpop_proof',
      'InvalidDpopProof',
      'DPoP proof key does not match the token',
    )
  return {
    credential: {
      type: 'oauth',
      did: config.did,
      scope: claims.scope,
      clientId: claims.clientId,
      grantId: claims.grantId,
    },
    check: { kind: 'oauth', grantId: claims.grantId, proof: proof.value.once },
  }
}
