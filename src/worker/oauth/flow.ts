import { accountStub, type OAuthGrant } from '../../actors/account'
import type { Config } from '../../shared/config'
import type { AuthorizationFlow, ClientDisplay, FlowError, FlowResult } from './authorization-flow'
import { clientDisplay, resolveClient } from './client'
import { OAuthError } from './oauth-error'
import { authorizationRedirect } from './redirect'

const failed = (error: string, description: string, redirectUrl: string | null = null) => ({
  ok: false as const,
  error: { error, description, redirectUrl } satisfies FlowError,
})

/** The client as the pages show it; a client whose document is gone now still shows its id. */
async function displayOf(clientId: string): Promise<ClientDisplay> {
  try {
    return clientDisplay(await resolveClient(clientId))
  } catch (e) {
    if (!(e instanceof OAuthError)) throw e
    const bare = { name: null, logoUri: null, clientUri: null, policyUri: null, tosUri: null }
    return { clientId, ...bare, loopback: clientId.startsWith('http://localhost') }
  }
}

/**
 * The protocol side of the sign-in and consent pages (`authorization-flow.ts`): loads a
 * pushed request, turns the owner's decision into the redirect back to the client,
 * and lists and revokes the owner's grants. The pages have signed the owner in first.
 */
export function authorizationFlow(env: Env, config: Config): AuthorizationFlow {
  const account = accountStub(env)
  const issuer = config.publicUrl
  return {
    async load(requestUri, clientId) {
      const pending = await account.oauthPending(requestUri)
      if (!pending.ok) return failed('invalid_request', pending.message)
      const { request, expiresAt, rememberedConsent } = pending.value
      if (request.clientId !== clientId)
        return failed('invalid_request', 'client_id does not match the request')
      let client: ClientDisplay
      try {
        client = clientDisplay(await resolveClient(clientId))
      } catch (e) {
        if (!(e instanceof OAuthError)) throw e
        return failed(e.error, e.description)
      }
      return {
        ok: true,
        value: {
          requestUri,
          client,
          redirectUri: request.redirectUri,
          scope: request.scope,
          loginHint: request.loginHint,
          prompt: request.prompt,
          rememberedConsent,
          expiresAt,
        },
      }
    },

    async approve(requestUri, { remember }): Promise<FlowResult<{ redirectUrl: string }>> {
      const decided = await account.oauthDecide(requestUri, { approve: true, remember })
      if (!decided.ok) return failed('invalid_request', decided.message)
      const { code, request } = decided.value
      return {
        ok: true,
        value: { redirectUrl: authorizationRedirect(request, { code: code ?? '' }, issuer) },
      }
    },

    async deny(requestUri): Promise<FlowResult<{ redirectUrl: string }>> {
      const decided = await account.oauthDecide(requestUri, { approve: false })
      if (!decided.ok) return failed('invalid_request', decided.message)
      const params = { error: 'access_denied', error_description: 'The owner refused the request' }
      return {
        ok: true,
        value: { redirectUrl: authorizationRedirect(decided.value.request, params, issuer) },
      }
    },

    async listGrants() {
      const grants: OAuthGrant[] = await account.oauthListGrants()
      return Promise.all(
        grants.map(async (g) => ({
          grantId: g.id,
          client: await displayOf(g.clientId),
          scope: g.scope,
          createdAt: g.createdAt,
          lastUsedAt: g.lastUsedAt,
        })),
      )
    },

    async revokeGrant(grantId) {
      await account.oauthRevoke({ grantId })
    },
  }
}
