import type { GrantSummary } from '../authorization-flow'
import { clientHost, clientName, logoOf } from './client-view'
import { permissionList } from './consent-page'
import { html, type SafeHtml } from './html'
import { layout } from './layout'
import { describeScope } from './permission-words'

export type AppsView = {
  nonce: string
  host: string
  handle: string
  grants: GrantSummary[]
  csrf: string
  now: number
}

/** "just now", "5 minutes ago", "3 days ago". */
export function timeAgo(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000))
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'} ago`
  if (s < 60) return 'just now'
  if (s < 3600) return unit(Math.floor(s / 60), 'minute')
  if (s < 86400) return unit(Math.floor(s / 3600), 'hour')
  return unit(Math.floor(s / 86400), 'day')
}

const isoDate = (ms: number): string =>
  new Date(ms).toISOString().replace('T', ' ').slice(0, 16).concat(' UTC')

function grantItem(g: GrantSummary, v: AppsView): SafeHtml {
  const host = clientHost(g.client)
  const name = clientName(g.client)
  return html`<li data-grant="${g.grantId}"><div class="app-head">${logoOf(g.client)}<div class="app-info"><div class="app-name">${name}</div>${
    name !== host ? html`<div class="muted">${host}</div>` : null
  }${g.client.loopback ? html`<span class="badge">Development app</span>` : null}</div>
<form method="post" action="/oauth/apps/revoke"><input type="hidden" name="grant_id" value="${g.grantId}"><input type="hidden" name="csrf" value="${v.csrf}"><button type="submit" class="danger">Revoke</button></form></div>
<p class="muted dates"><span title="${isoDate(g.createdAt)}">Authorized ${timeAgo(g.createdAt, v.now)}</span> · <span title="${isoDate(g.lastUsedAt)}">last used ${timeAgo(g.lastUsedAt, v.now)}</span></p>
${permissionList(describeScope(g.scope))}</li>`
}

/** The apps the owner authorized, each with a Revoke button. */
export function renderApps(v: AppsView): SafeHtml {
  const list =
    v.grants.length === 0
      ? html`<p class="muted" data-k="no-apps">No app has access to your account through OAuth.</p>`
      : html`<ul class="apps">${v.grants.map((g) => grantItem(g, v))}</ul>`
  const body = html`<h1>Authorized apps</h1><p class="muted">Apps that can act as <strong>@${v.handle}</strong>. Revoking one signs it out at once.</p>${list}
<form method="post" action="/oauth/sign-out" class="signout"><input type="hidden" name="csrf" value="${v.csrf}"><button type="submit" class="secondary">Sign out of this page</button></form>`
  return layout({ nonce: v.nonce, title: 'Authorized apps', host: v.host, body })
}
