import type { PendingAuthorization } from '../authorization-flow'
import { clientHeader, clientName, safeLink } from './client-view'
import { html, type SafeHtml } from './html'
import { layout } from './layout'
import { describeScope, type PermissionLine } from './permission-words'

export type ConsentView = {
  nonce: string
  host: string
  pending: PendingAuthorization
  handle: string
  csrf: string
}

export const permissionList = (lines: PermissionLine[]): SafeHtml =>
  html`<ul class="perms">${lines.map(
    (l) => html`<li${l.broad ? html` class="broad"` : null} title="${l.scope}">${l.text}</li>`,
  )}</ul>`

/** Allow or deny: who asks, for what, as which account. */
export function renderConsent(v: ConsentView): SafeHtml {
  const { client, requestUri } = v.pending
  const name = clientName(client)
  const links = [
    safeLink(client.clientUri, 'Website'),
    safeLink(client.policyUri, 'Privacy policy'),
    safeLink(client.tosUri, 'Terms'),
  ].filter((l) => l !== null)
  const body = html`${clientHeader(client)}
<h1>${name} wants to access your account</h1>
<p class="muted">Signed in as <strong>@${v.handle}</strong></p>
<h2>It will be able to</h2>
${permissionList(describeScope(v.pending.scope))}
${links.length > 0 ? html`<p class="links">${links}</p>` : null}
<form method="post" action="/oauth/authorize/consent">
<input type="hidden" name="request_uri" value="${requestUri}">
<input type="hidden" name="client_id" value="${client.clientId}">
<input type="hidden" name="csrf" value="${v.csrf}">
<label class="check"><input type="checkbox" name="remember" value="1"> Remember this app: don’t ask again for these permissions</label>
<div class="actions"><button type="submit" name="decision" value="deny" class="secondary">Deny</button><button type="submit" name="decision" value="allow" class="primary">Allow</button></div>
</form>`
  return layout({ nonce: v.nonce, title: `Allow ${name}?`, host: v.host, body })
}
