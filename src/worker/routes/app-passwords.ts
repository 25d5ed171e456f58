import { invalidRequest } from '../../shared/xrpc-error'
import { unwrap } from '../actor-errors'
import { assertFullAccess } from '../auth/credential'
import { generateAppPassword, hashPassword } from '../auth/password-hash'
import { readJsonBody } from '../body'
import type { XrpcMethods } from '../xrpc-context'

const MAX_NAME_LENGTH = 100

function appPasswordName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw invalidRequest('Input must have the property "name"')
  const name = value.trim()
  if (name.length > MAX_NAME_LENGTH)
    throw invalidRequest(`App password name is longer than ${MAX_NAME_LENGTH}`)
  return name
}

/**
 * `com.atproto.server.*AppPassword(s)`: only a full-access session (main password or
 * the static token) may manage app passwords. The plaintext is returned once and
 * only its PBKDF2 hash is stored.
 */
export const appPasswordMethods: XrpcMethods = {
  'com.atproto.server.createAppPassword': {
    type: 'procedure',
    auth: 'owner',
    handler: async (ctx) => {
      assertFullAccess(ctx.auth)
      const body = await readJsonBody(ctx.req)
      const name = appPasswordName(body.name)
      if (body.privileged !== undefined && typeof body.privileged !== 'boolean') {
        throw invalidRequest('Input/privileged must be a boolean')
      }
      const password = generateAppPassword()
      const created = unwrap(
        await ctx.account.createAppPassword({
          name,
          privileged: body.privileged === true,
          hash: await hashPassword(password),
        }),
      )
      return { name: created.name, password, createdAt: created.createdAt, privileged: created.privileged }
    },
  },
  'com.atproto.server.listAppPasswords': {
    type: 'query',
    auth: 'owner',
    handler: async (ctx) => {
      assertFullAccess(ctx.auth)
      return { passwords: await ctx.account.listAppPasswords() }
    },
  },
  'com.atproto.server.revokeAppPassword': {
    type: 'procedure',
    auth: 'owner',
    handler: async (ctx) => {
      assertFullAccess(ctx.auth)
      const body = await readJsonBody(ctx.req)
      await ctx.account.revokeAppPassword(appPasswordName(body.name))
      return undefined
    },
  },
}
