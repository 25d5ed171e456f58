import { html, SafeHtml } from './html'

/** The pages' only style, inline under the response's nonce. Phone first; a card on a desktop. */
const STYLE = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;color-scheme:light dark}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#16171d;background:#f2f3f7;min-height:100vh;display:flex;flex-direction:column}
main{flex:1;width:100%;max-width:30rem;margin:0 auto;padding:1.25rem 1rem 2rem}
.card{background:#fff;border:1px solid #e1e3ea;border-radius:16px;padding:1.5rem 1.25rem;box-shadow:0 1px 3px rgba(20,20,40,.06)}
@media (min-width:40rem){main{padding-top:4rem}.card{padding:2rem 2rem 1.75rem}}
h1{font-size:1.4rem;line-height:1.25;margin:0 0 .35rem}
h2{font-size:1rem;margin:1.4rem 0 .5rem}
p{margin:.4rem 0}
.muted{color:#5b5f6d;font-size:.93rem}
.server{font-size:.85rem;color:#5b5f6d;text-align:center;margin:0 0 1rem;overflow-wrap:anywhere}
label{display:block;font-weight:600;font-size:.92rem;margin:1rem 0 .35rem}
input[type=text],input[type=password]{width:100%;font:inherit;font-size:1.05rem;padding:.7rem .8rem;min-height:3rem;border:1px solid #c5c8d3;border-radius:10px;background:#fff;color:inherit}
input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid #8fb1ff;outline-offset:2px}
button{font:inherit;font-weight:600;min-height:3rem;padding:.7rem 1.2rem;border-radius:10px;border:1px solid transparent;cursor:pointer;width:100%}
.primary{background:#1d5bd6;color:#fff}
.primary:hover{background:#174bb3}
.secondary{background:#fff;color:#16171d;border-color:#c5c8d3}
.secondary:hover{background:#f2f3f7}
.danger{background:#fff;color:#b3261e;border-color:#e6b3ae;width:auto;min-height:2.75rem}
.actions{display:flex;flex-direction:column-reverse;gap:.6rem;margin-top:1.4rem}
@media (min-width:28rem){.actions{flex-direction:row;justify-content:flex-end}.actions button{width:auto;min-width:8.5rem}}
.error{background:#fdecea;color:#8c1d18;border-radius:10px;padding:.7rem .9rem;margin:1rem 0 0}
.client{display:flex;gap:.9rem;align-items:center;margin:0 0 1rem}
.logo{width:3.5rem;height:3.5rem;border-radius:12px;flex:none;object-fit:cover;background:#e8ebf3}
.letter{display:flex;align-items:center;justify-content:center;font-size:1.6rem;font-weight:700;color:#1d5bd6}
.host{font-weight:700;font-size:1.05rem;overflow-wrap:anywhere}
.badge{display:inline-block;font-size:.78rem;font-weight:600;padding:.1rem .5rem;border-radius:99px;background:#fff4d6;color:#7a5200;margin-top:.25rem}
ul.perms{list-style:none;padding:0;margin:.3rem 0 0}
ul.perms li{padding:.55rem 0 .55rem 1.6rem;border-top:1px solid #eceef3;position:relative}
ul.perms li::before{content:"";position:absolute;left:.25rem;top:1.05rem;width:.55rem;height:.55rem;border-radius:50%;background:#1d5bd6}
ul.perms li.broad::before{background:#c47a00}
ul.perms li.broad{font-weight:600}
.check{display:flex;gap:.7rem;align-items:center;font-weight:500;margin:1.2rem 0 0;min-height:2.75rem}
.check input{width:1.35rem;height:1.35rem;flex:none;margin:0}
.links{font-size:.88rem;margin-top:1.1rem;color:#5b5f6d}
.links a{color:#1d5bd6;margin-right:1rem}
a{color:#1d5bd6}
ul.apps{list-style:none;padding:0;margin:0}
ul.apps>li{border-top:1px solid #eceef3;padding:1rem 0}
ul.apps>li:first-child{border-top:0}
.app-head{display:flex;gap:.8rem;align-items:center}
.app-head .logo{width:2.75rem;height:2.75rem;border-radius:10px}
.app-info{flex:1;min-width:0}
.dates{margin:.5rem 0 0}
.app-name{font-weight:700;overflow-wrap:anywhere}
ul.apps ul.perms{font-size:.92rem}
.signout{margin-top:1.5rem}
footer{text-align:center;font-size:.8rem;color:#7a7e8c;padding:0 1rem 1.25rem}
@media (prefers-color-scheme:dark){
body{background:#101116;color:#eceef3}
.card{background:#1a1b22;border-color:#2c2e38;box-shadow:none}
.muted,.server,.links,footer{color:#a3a7b5}
input[type=text],input[type=password]{background:#101116;border-color:#3a3d4a}
.secondary,.danger{background:#1a1b22;color:#eceef3;border-color:#3a3d4a}
.danger{color:#ff8a80}
.error{background:#3b1512;color:#ffb4ab}
.logo{background:#2c2e38}
ul.perms li,ul.apps>li{border-color:#2c2e38}
a,.links a{color:#8fb1ff}
.badge{background:#3d2e00;color:#ffd77a}
}
`

/** A whole page: title, the card's content, and the PDS's host above it. */
export function layout(opts: { nonce: string; title: string; host: string; body: SafeHtml }): SafeHtml {
  return html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${opts.title}</title><style nonce="${opts.nonce}">${new SafeHtml(STYLE)}</style></head><body><main><p class="server">${opts.host}</p><div class="card">${opts.body}</div></main><footer>Your personal data server</footer></body></html>`
}
