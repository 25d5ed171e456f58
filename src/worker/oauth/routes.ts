import type { Hono } from 'hono'
import { type AccountActor, accountStub } from '../../actors/account'
import type { Config } from '../../shared/config'
import { createLogger } from '../../shared/logger'
import { rateLimitHeaders } from '../actor-errors'
import { clientIp } from '../auth/login'
import { ownerConfig } from '../owner-handle'
import { currentNonce } from './dpop-nonce'
import { authorizationServerMetadata, OAUTH_PATHS, protectedResourceMetadata } from './metadata'
import { OAuthError } from './oauth-error'
import { pushAuthorizationRequest } from './par'
import { revokeEndpoint } from './revoke'
import { tokenEndpoint } from './token'

const log = createLogger('auth')

type Endpoint = (req: Request, config: Config, account: DurableObjectStub<AccountActor>) => Promise<Response>

/**
 * Runs an authorization-server endpoint: every answer carries a fresh `DPoP-Nonce`
 * (RFC 9449 §8.2) and `no-store`; an `OAuthError` becomes its RFC 6749 JSON body.
 */
async function runEndpoint(req: Request, env: Env, endpoint: Endpoint): Promise<Response> {
  const config = await ownerConfig(env)
  const nonce = await currentNonce(config.jwtSecret)
  const account = accountStub(env)
  try {
    // Counted per client address before any client document is fetched or key checked.
    const charged = await account.oauthCharge(clientIp(req))
    if (!charged.ok)
      throw new OAuthError(
        429,
        'rate_limit_exceeded',
        charged.message,
        'rateLimit' in charged ? rateLimitHeaders(charged.rateLimit) : {},
      )
    const res = await endpoint(req, config, account)
    const out = new Response(res.body, res)
    out.headers.set('DPoP-Nonce', nonce)
    return out
  } catch (e) {
    if (!(e instanceof OAuthError)) throw e
    if (e.error !== 'use_dpop_nonce')
      log.info('oauth request refused', { path: new URL(req.url).pathname, error: e.error })
    return e.toResponse({ 'DPoP-Nonce': nonce })
  }
}

/** The authorization server's metadata and endpoints (the pages own GET /oauth/authorize). */
export function registerOAuthRoutes(app: Hono<{ Bindings: Env }>): void {
  app.get('/.well-known/oauth-protected-resource', async (c) =>
    c.json(protectedResourceMetadata(await ownerConfig(c.env))),
  )
  app.get('/.well-known/oauth-authorization-server', async (c) =>
    c.json(authorizationServerMetadata(await ownerConfig(c.env))),
  )
  app.post(OAUTH_PATHS.par, (c) => runEndpoint(c.req.raw, c.env, pushAuthorizationRequest))
  app.post(OAUTH_PATHS.token, (c) => runEndpoint(c.req.raw, c.env, tokenEndpoint))
  app.post(OAUTH_PATHS.revoke, (c) => runEndpoint(c.req.raw, c.env, revokeEndpoint))
}
