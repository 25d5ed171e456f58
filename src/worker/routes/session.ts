import type { AppPasswordInfo, IssuedRefresh } from '../../actors/account'
import { invalidRequest } from '../../shared/xrpc-error'
import { unwrap } from '../actor-errors'
import { requireRefreshToken } from '../auth'
import { assertFullAccess } from '../auth/credential'
import { authenticateLogin, clientIp, identifierKey } from '../auth/login'
import { callerPermissions } from '../auth/permissions/permissions'
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

/** Which of the email fields a caller sees: the address, and whether it is confirmed. */
type EmailView = { address: boolean; status: boolean }

const emailViewOfLogin = (appPassword: AppPasswordInfo | null): EmailView => ({
  address: appPassword === null,
  status: true,
})

/** The account fields getSession, createSession and refreshSession share. */
async function accountView(ctx: XrpcContext, emailView: EmailView) {
  const [didDoc, { active, status }] = await Promise.all([didDocument(ctx.config), ctx.repo.status()])
  const { email } = ctx.config
  return {
    handle: ctx.config.handle,
    did: ctx.config.did,
    didDoc,
    // There is no email sending here: an address the operator configured counts as
    // confirmed (the Bluesky app gates video upload on it). App passwords do not see it;
    // OAuth without the email permission sees neither it nor its status.
    ...(email !== null && emailView.address ? { email } : {}),
    ...(emailView.status ? { emailConfirmed: email !== null, emailAuthFactor: false } : {}),
    active,
    ...(status ? { status } : {}),
  }
}

/** Mints the token pair for a stored refresh token. */
export async function sessionView(ctx: XrpcContext, refresh: IssuedRefresh) {
  const now = Date.now()
  const { appPassword } = refresh
  const [accessJwt, refreshJwt] = await Promise.all([
    createAccessToken(ctx.config, {
      scope: scopeFor(appPassword),
      appPasswordId: appPassword?.id ?? null,
      generation: refresh.generation,
      now,
    }),
    createRefreshToken(ctx.config, { jti: refresh.id, expiresAtMs: refresh.expiresAt, now }),
  ])
  return { accessJwt, refreshJwt, ...(await accountView(ctx, emailViewOfLogin(appPassword))) }
}

const stringField = (body: Record<string, unknown>, name: string): string => {
  const v = body[name]
  if (typeof v !== 'string' || v === '') throw invalidRequest(`Input must have the property "${name}"`)
  return v
}

/**
 * Legacy password sessions, as the Bluesky app uses them (`com.atproto.server.*Session`).
 * deleteSession revokes the refresh token's whole rotation chain. Neither the reference
 * PDS nor the lexicons have a way to end every session, so that method lives under this
 * PDS's own namespace: `dev.edgepds.server.revokeAllSessions`.
 */
export const sessionMethods: XrpcMethods = {
  'com.atproto.server.createSession': {
    type: 'procedure',
    handler: async (ctx) => {
      const body = await readJsonBody(ctx.req)
      const input = { identifier: stringField(body, 'identifier'), password: stringField(body, 'password') }
      const attempt = { identifier: identifierKey(ctx.config, input.identifier), ip: clientIp(ctx.req) }
      const { appPassword, ticket } = await authenticateLogin(ctx.config, input, async (wantAppPasswords) =>
        unwrap(await ctx.account.beginLogin(attempt, wantAppPasswords)),
      )
      return sessionView(ctx, await ctx.account.completeLogin(ticket, appPassword?.id ?? null))
    },
  },
  'com.atproto.server.getSession': {
    type: 'query',
    auth: 'owner',
    handler: async (ctx) => {
      const permissions = callerPermissions(ctx.auth)
      return accountView(ctx, {
        address: permissions.canReadEmail(),
        status: permissions.canReadEmailStatus(),
      })
    },
  },
  'com.atproto.server.refreshSession': {
    type: 'procedure',
    handler: async (ctx) => {
      const claims = await requireRefreshToken(ctx.req, ctx.config)
      const next = unwrap(await ctx.account.rotateRefreshToken(claims.jti))
      return sessionView(ctx, next)
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
  'dev.edgepds.server.revokeAllSessions': {
    type: 'procedure',
    auth: 'owner',
    handler: async (ctx) => {
      assertFullAccess(ctx.auth)
      await ctx.account.revokeAllSessions()
      return undefined
    },
  },
}
