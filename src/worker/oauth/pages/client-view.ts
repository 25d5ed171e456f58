import type { ClientDisplay } from '../authorization-flow'
import { html, type SafeHtml } from './html'

const parseUrl = (uri: string): URL | null => {
  try {
    return new URL(uri)
  } catch {
    return null
  }
}

/** The host people should check: the client_id's (for a loopback client, `localhost`). */
export function clientHost(client: ClientDisplay): string {
  return parseUrl(client.clientId)?.hostname ?? client.clientId
}

/** What to call the client: its name, else its host. */
export const clientName = (client: ClientDisplay): string => client.name?.trim() || clientHost(client)

/** Only an https logo is shown (the CSP loads no other); anything else gets the name's first letter. */
export function logoOf(client: ClientDisplay): SafeHtml {
  const uri = client.logoUri
  if (uri?.startsWith('https://') && parseUrl(uri))
    return html`<img class="logo" src="${uri}" alt="" referrerpolicy="no-referrer">`
  const letter = (clientName(client).match(/[\p{L}\p{N}]/u)?.[0] ?? '?').toUpperCase()
  return html`<div class="logo letter" aria-hidden="true">${letter}</div>`
}

/** An https (or loopback http) link the client gave, or nothing. */
export function safeLink(uri: string | null, text: string): SafeHtml | null {
  const protocol = uri ? parseUrl(uri)?.protocol : null
  if (protocol !== 'https:' && protocol !== 'http:') return null
  return html`<a href="${uri}" rel="noopener noreferrer" target="_blank">${text}</a>`
}

/** The client's logo, name and host, flagged when it is a development app. */
export function clientHeader(client: ClientDisplay): SafeHtml {
  const host = clientHost(client)
  const name = clientName(client)
  return html`<div class="client">${logoOf(client)}<div><div class="host" data-k="client-host">${host}</div>${
    name !== host ? html`<div class="muted" data-k="client-name">${name}</div>` : null
  }${
    client.loopback
      ? html`<span class="badge" data-k="loopback">Development app on this device: its identity is not verified</span>`
      : null
  }</div></div>`
}
