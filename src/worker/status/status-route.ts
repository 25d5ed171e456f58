import { accountStub } from '../../actors/account'
import { carriesOwnerCredential } from '../auth'
import { configFor } from '../config-cache'
import { gatherStatus } from './gather'
import { renderStatusHtml } from './render-html'

/** Nothing loads or runs; the one inline style block is the page's only styling. */
const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** `GET /`: the status page, HTML for a person, JSON for `Accept: application/json`. */
export async function statusPage(req: Request, env: Env): Promise<Response> {
  const config = configFor(env)
  const owner = await carriesOwnerCredential(req, config, accountStub(env))
  const view = await gatherStatus(env, config, owner)
  const headers = {
    'cache-control': 'no-store',
    vary: 'accept, authorization',
    'x-content-type-options': 'nosniff',
  }
  if (wantsJson(req.headers.get('accept'))) return Response.json(view, { headers })
  return new Response(renderStatusHtml(view), {
    headers: { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP },
  })
}

/** JSON when the client names it before (or without) HTML. */
function wantsJson(accept: string | null): boolean {
  if (!accept) return false
  const json = accept.indexOf('application/json')
  const html = accept.indexOf('text/html')
  return json !== -1 && (html === -1 || json < html)
}
