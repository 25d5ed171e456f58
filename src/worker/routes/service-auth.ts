import { ensureValidDid, isValidNsid } from '@atproto/syntax'
import { quotaKeyFor } from '../../actors/account'
import { invalidRequest } from '../../shared/xrpc-error'
import { decodeJwt } from '../auth/jwt'
import { isProtectedMethod } from '../auth/method-policy'
import { isOwnAudience } from '../auth/own-audience'
import { callerPermissions } from '../auth/permissions/permissions'
import { createServiceJwt } from '../auth/service-jwt'
import type { XrpcMethods } from '../xrpc-context'

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS

/** `aud` is a DID, optionally naming a service (`did#service_id`). */
function audience(value: string): string {
  const [did, service, ...rest] = value.split('#')
  try {
    ensureValidDid(did ?? '')
  } catch {
    throw invalidRequest(`Invalid aud: ${value}`)
  }
  if (rest.length > 0 || service === '') throw invalidRequest(`Invalid aud: ${value}`)
  return value
}

/**
 * `com.atproto.server.getServiceAuth`: a service JWT signed with the repo key, for the
 * owner to present to another service. Limits as the reference: `exp` at most an hour
 * ahead (a minute without `lxm`); protected methods are refused, privileged ones for a
 * non-privileged app password, and for OAuth whatever its `rpc:` permissions do not cover.
 * A token for this PDS itself is recorded, so it is accepted once and dies with the
 * session or app password that asked for it.
 */
export const serviceAuthMethods: XrpcMethods = {
  'com.atproto.server.getServiceAuth': {
    type: 'query',
    auth: 'owner',
    handler: async ({ params, config, auth, account }) => {
      const aud = audience(params.string('aud'))
      const lxm = params.optionalString('lxm') ?? null
      if (lxm !== null && !isValidNsid(lxm)) throw invalidRequest(`Invalid lxm: ${lxm}`)
      const exp =
        params.optionalString('exp') === undefined
          ? undefined
          : params.integer('exp', {
              min: 0,
              max: Number.MAX_SAFE_INTEGER,
              fallback: 0,
            })
      const now = Date.now()
      if (exp !== undefined) {
        const diff = exp * 1000 - now
        if (diff < 0) throw invalidRequest('expiration is in past', 'BadExpiration')
        if (diff > HOUR_MS) {
          throw invalidRequest(
            'cannot request a token with an expiration more than an hour in the future',
            'BadExpiration',
          )
        }
        if (lxm === null && diff > MINUTE_MS) {
          throw invalidRequest(
            'cannot request a method-less token with an expiration more than a minute in the future',
            'BadExpiration',
          )
        }
      }
      if (lxm !== null && isProtectedMethod(lxm)) {
        throw invalidRequest(`cannot request a service auth token for the following protected method: ${lxm}`)
      }
      // rpc: permissions cover service JWTs too; a method-less token is `lxm` = `*`.
      callerPermissions(auth).assertRpc(lxm ?? '*', aud, () =>
        invalidRequest(
          `insufficient access to request a service auth token for the following method: ${lxm}`,
        ),
      )
      const token = await createServiceJwt(config, { aud, lxm, exp, now })
      // A token for this PDS itself is accepted back once (account actor's service grants).
      if (lxm !== null && isOwnAudience(config, aud) && auth !== null) {
        const appPasswordId = auth.type === 'session' ? (auth.appPassword?.id ?? null) : null
        const oauthGrantId = auth.type === 'oauth' ? auth.grantId : null
        const payload = decodeJwt(token)?.payload
        await account.recordServiceGrant({
          jti: String(payload?.jti),
          quotaKey:
            auth.type === 'static'
              ? 'static'
              : oauthGrantId !== null
                ? `oauth:${oauthGrantId}`
                : quotaKeyFor(appPasswordId),
          appPasswordId,
          oauthGrantId,
          expiresAt: Number(payload?.exp) * 1000,
        })
      }
      return { token }
    },
  },
}
