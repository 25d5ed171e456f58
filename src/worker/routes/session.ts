import type { AppPasswordInfo } from '../../actors/account'
import { invalidRequest } from '../../shared/xrpc-error'
import { unwrap } from '../actor-errors'
import { requireRefreshToken } from '../auth'
import { authenticateLogin } from '../auth/login'
import {
  ACCESS_SCOPE,
  APP_PASS_PRIVILEGED_SCOPE,
  APP_PASS_SCOPE,
  createAccessToken,
  createRefreshToken,
} from '../auth/session-tokens'
import { readJsonBody } from '../body'
import { didDocument } from '../did-document'
import type { XrpcContext, XrpcMethods } from '../xrpc-context'

const scopeFor = (appPassword: AppPasswordInfo | null) =>
  appPassword === null ? ACCESS_SCOPE : appPassword.privileged ? APP_PASS_PRIVILEGED_SCOPE : APP_PASS_SCOPE

/** The account fields getSession, createSession and refreshSession share. This PDS keeps no email. */
async function accountView(ctx: XrpcContext) {
  const [didDoc, { active, status }] = await Promise.all([didDocument(ctx.config), ctx.repo.status()])
  return {
    handle: ctx.config.handle,
    did: ctx.config.did,
    didDoc,
    emailConfirmed: false,
    emailAuthFactor: false,
    active,
    ...(status ? { status } : {}),
  }
}

/** Mints the token pair for a stored refresh token. */
async function sessionView(
  ctx: XrpcContext,
  refresh: { id: string; expiresAt: number },
  appPassword: AppPasswordInfo | null,
) {
  const now = Date.now()
  const [accessJwt, refreshJwt] = await Promise.all([
    createAccessToken(ctx.config, {
      scope: scopeFor(appPassword),
      appPasswordId: appPassword?.id ?? null,
      now,
    }),
    createRefreshToken(ctx.config, { jti: refresh.id, expiresAtMs: refresh.expiresAt, now }),
  ])
  return { accessJwt, refreshJwt, ...(await accountView(ctx)) }
}

const stringField = (body: Record<string, unknown>, name: string): string => {
  const v = body[name]
  if (typeof v !== 'string' || v === '') throw invalidRequest(`Input must have the property "${name}"`)
  return v
}

/** Legacy password sessions, as the Bluesky app uses them (`com.atproto.server.*Session`). */
export const sessionMethods: XrpcMethods = {
  'com.atproto.server.createSession': {
    type: 'procedure',
    handler: async (ctx) => {
      const body = await readJsonBody(ctx.req)
      const input = { identifier: stringField(body, 'identifier'), password: stringField(body, 'password') }
      const { appPassword } = await authenticateLogin(ctx.config, input, () =>
        ctx.account.appPasswordSecrets(),
      )
      const refresh = await ctx.account.createRefreshToken(appPassword?.id ?? null)
      return sessionView(ctx, refresh, appPassword)
    },
  },
  'com.atproto.server.getSession': {
    type: 'query',
    auth: 'owner',
    handler: async (ctx) => accountView(ctx),
  },
  'com.atproto.server.refreshSession': {
    type: 'procedure',
    handler: async (ctx) => {
      const claims = await requireRefreshToken(ctx.req, ctx.config)
      const next = unwrap(await ctx.account.rotateRefreshToken(claims.jti))
      return sessionView(ctx, next, next.appPassword)
    },
  },
  'com.atproto.server.deleteSession': {
    type: 'procedure',
    handler: async (ctx) => {
      const claims = await requireRefreshToken(ctx.req, ctx.config)
      await ctx.account.revokeRefreshToken(claims.jti)
      return undefined
    },
  },
}
