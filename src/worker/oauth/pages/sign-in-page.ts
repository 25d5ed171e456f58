import type { ClientDisplay } from '../authorization-flow'
import { clientHeader, clientName } from './client-view'
import { html, type SafeHtml } from './html'
import { layout } from './layout'

export type SignInView = {
  nonce: string
  host: string
  /** Where the form posts. */
  action: string
  /** Hidden fields that carry the request along (request_uri, client_id). */
  hidden: Record<string, string>
  csrf: string
  identifier: string
  error: string | null
  /** The app the owner signs in for; null on the authorized-apps page. */
  client: ClientDisplay | null
}

/** Sign-in with the owner's handle and main password. */
export function renderSignIn(v: SignInView): SafeHtml {
  const intro = v.client
    ? html`${clientHeader(v.client)}<h1>Sign in</h1><p class="muted">to continue to ${clientName(v.client)}.</p>`
    : html`<h1>Sign in</h1><p class="muted">to see the apps you have authorized.</p>`
  const hidden = Object.entries(v.hidden).map(
    ([k, val]) => html`<input type="hidden" name="${k}" value="${val}">`,
  )
  const body = html`${intro}${v.error ? html`<p class="error" role="alert" data-k="error">${v.error}</p>` : null}
<form method="post" action="${v.action}">${hidden}<input type="hidden" name="csrf" value="${v.csrf}">
<label for="identifier">Handle</label>
<input type="text" id="identifier" name="identifier" value="${v.identifier}" autocomplete="username" autocapitalize="none" spellcheck="false" required>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required autofocus>
<p class="muted">Your account password: app passwords cannot sign in here.</p>
<div class="actions"><button type="submit" class="primary">Sign in</button></div>
</form>`
  return layout({ nonce: v.nonce, title: 'Sign in', host: v.host, body })
}
