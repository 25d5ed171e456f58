import { XRPCError } from '../../shared/xrpc-error'
import { unwrap } from '../actor-errors'
import { bearerToken } from '../auth'
import { clientIp } from '../auth/login'
import { verifyInboundServiceJwt } from '../auth/service-jwt'
import { ownerDidKey } from '../auth/signing-key'
import { readJsonBody } from '../body'
import { atprotoMultikey, ownerDidResolver } from '../did-validity'
import type { XrpcContext, XrpcMethods } from '../xrpc-context'
import { sessionView } from './session'

const LXM = 'com.atproto.server.createAccount'

const refuse = (message: string) => new XRPCError(400, 'InvalidRequest', message)

/**
 * The `#atproto` key the owner's DID document names now, as a did:key. While an account
 * moves in, that is still the previous PDS's key: the one its service JWT is signed with.
 */
async function currentDidKey(ctx: XrpcContext): Promise<string> {
  let multikey: string | null = null
  try {
    multikey = atprotoMultikey(await ownerDidResolver(ctx.config)(ctx.config.did))
  } catch {
    multikey = null
  }
  if (multikey === null) throw refuse(`Could not resolve the #atproto key of ${ctx.config.did}`)
  return `did:key:${multikey}`
}

/**
 * `createAccount` as account migration uses it (goat, web migrators, `npm run migrate`): the
 * configured DID and a service JWT its current PDS issued with `aud` = this PDS and `lxm` =
 * createAccount, signed with the key the DID document names. It opens a session for the
 * deactivated account, ready for importRepo. There is no sign-up, so anything else is refused;
 * so is an active account (log in instead) and a JWT signed with this PDS's own key, which an
 * app-password session could have obtained here and must not turn into full access.
 */
async function createAccount(ctx: XrpcContext) {
  const body = await readJsonBody(ctx.req)
  const did = body.did
  if (did === undefined)
    throw refuse(
      'This PDS hosts one configured account and takes no sign-ups; to move that account here, ' +
        'call createAccount with its did and a service JWT from its current PDS',
    )
  if (did !== ctx.config.did) throw refuse(`This PDS hosts only ${ctx.config.did}`)
  if ((await ctx.repo.status()).active)
    throw refuse('The account is already active here: log in with createSession')
  const token = bearerToken(ctx.req)
  // Counted like a login, so a stream of bad JWTs is limited like bad passwords.
  const attempt = { identifier: 'owner', ip: clientIp(ctx.req) }
  const { ticket } = unwrap(await ctx.account.beginLogin(attempt, false))
  const didKey = await currentDidKey(ctx)
  if (didKey === (await ownerDidKey(ctx.config)))
    throw refuse('The DID document already names this PDS: log in with createSession')
  await verifyInboundServiceJwt(token, ctx.config, { lxm: LXM, now: Date.now(), didKey })
  return sessionView(ctx, await ctx.account.completeLogin(ticket, null))
}

export const createAccountMethods: XrpcMethods = {
  [LXM]: { type: 'procedure', handler: createAccount },
}
