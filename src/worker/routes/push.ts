import { isValidDid } from '@atproto/syntax'
import { invalidRequest } from '../../shared/xrpc-error'
import { callerPermissions } from '../auth/permissions/permissions'
import { createServiceJwt } from '../auth/service-jwt'
import { readJsonBody } from '../body'
import { checkPublicUrl } from '../proxy/endpoint-policy'
import { forwardXrpc } from '../proxy/forward'
import { resolverFor } from '../proxy/proxy-handler'
import type { XrpcContext, XrpcMethods } from '../xrpc-context'

const NOTIF_SERVICE = '#bsky_notif'

/** The notification service named by `serviceDid`: the AppView's known URL when it is the AppView. */
async function notifEndpoint(ctx: XrpcContext, serviceDid: string): Promise<string> {
  const { appView, allowInsecure } = ctx.config.proxy
  if (appView.did === serviceDid && appView.url !== null) return checkPublicUrl(appView.url, allowInsecure)
  return resolverFor(ctx.config.proxy).serviceEndpoint(serviceDid, NOTIF_SERVICE)
}

/**
 * registerPush/unregisterPush, as the reference PDS: the body names the notification
 * service (`serviceDid`), and the call goes there (its `#bsky_notif` endpoint), not to
 * the default AppView, with a service JWT for that DID (`aud` = `serviceDid`, `lxm` = the method).
 */
async function forwardPush(ctx: XrpcContext): Promise<Response> {
  const body = await readJsonBody(ctx.req)
  const serviceDid = body.serviceDid
  if (typeof serviceDid !== 'string' || !isValidDid(serviceDid)) {
    throw invalidRequest('Input/serviceDid must be a valid DID')
  }
  callerPermissions(ctx.auth).assertRpc(ctx.nsid, `${serviceDid}${NOTIF_SERVICE}`)
  const endpoint = await notifEndpoint(ctx, serviceDid)
  const token = await createServiceJwt(ctx.config, { aud: serviceDid, lxm: ctx.nsid, now: Date.now() })
  const req = new Request(ctx.req.url, {
    method: 'POST',
    headers: ctx.req.headers,
    body: JSON.stringify(body),
  })
  return forwardXrpc({
    req,
    endpoint,
    nsid: ctx.nsid,
    token,
    fetch: (input, init) => fetch(input, init),
    timeoutMs: ctx.config.proxy.timeoutMs,
  })
}

/** `app.bsky.notification.{register,unregister}Push`. */
export const pushMethods: XrpcMethods = {
  'app.bsky.notification.registerPush': { type: 'procedure', auth: 'owner', handler: forwardPush },
  'app.bsky.notification.unregisterPush': { type: 'procedure', auth: 'owner', handler: forwardPush },
}
