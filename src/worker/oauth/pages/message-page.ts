import { html, type SafeHtml } from './html'
import { layout } from './layout'

/** A page that only says something: an error, a refused form. */
export function renderMessage(v: { nonce: string; host: string; title: string; message: string }): SafeHtml {
  const body = html`<h1>${v.title}</h1><p class="error" role="alert" data-k="error">${v.message}</p>`
  return layout({ nonce: v.nonce, title: v.title, host: v.host, body })
}
