/**
 * A scripted browser for the OAuth pages: keeps cookies as a browser would (host-only, by
 * name), sends form posts with the `Origin` and `Sec-Fetch-Site` a same-origin form gets,
 * and reads forms out of the HTML. No redirects are followed: tests look at each step.
 */

export type PageFetch = (req: Request) => Promise<Response>

export type SetCookie = { name: string; value: string; attrs: Map<string, string> }

export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...rest] = header.split(';')
  const eq = pair.indexOf('=')
  const attrs = new Map<string, string>()
  for (const a of rest) {
    const [k = '', v = ''] = a.split('=')
    attrs.set(k.trim().toLowerCase(), v.trim())
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs }
}

/** The hidden and visible `<input>` values of the form whose action is `action`. */
export function formFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`)
  if (start === -1) throw new Error(`no form posting to ${action}`)
  const form = html.slice(start, html.indexOf('</form>', start))
  const fields: Record<string, string> = {}
  for (const [tag] of form.matchAll(/<input[^>]*>/g)) {
    const name = /\sname="([^"]+)"/.exec(tag)?.[1]
    if (name && !(name in fields)) fields[name] = decodeEntities(/\svalue="([^"]*)"/.exec(tag)?.[1] ?? '')
  }
  return fields
}

const decodeEntities = (s: string): string => s.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))

/** workerd's types name `getAll('set-cookie')`; Node only has `getSetCookie()`. Both runtimes have the latter. */
const setCookieHeaders = (h: Headers): string[] =>
  (h as Headers & { getSetCookie(): string[] }).getSetCookie()

export class PageBrowser {
  readonly cookies = new Map<string, string>()
  /** Every Set-Cookie seen, parsed, latest last. */
  readonly setCookies: SetCookie[] = []

  constructor(
    private readonly fetchPage: PageFetch,
    readonly origin: string,
    readonly ip = '198.51.100.7',
  ) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.send(new Request(new URL(path, this.origin), { headers: this.headers(headers) }))
  }

  /** A form post as a same-origin page sends it; `headers` may override or (with '') drop any. */
  async post(
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const all = this.headers({
      origin: this.origin,
      'sec-fetch-site': 'same-origin',
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    })
    return this.send(
      new Request(new URL(path, this.origin), {
        method: 'POST',
        headers: all,
        body: new URLSearchParams(fields),
      }),
    )
  }

  /** GETs `path` and returns the fields of its form posting to `action`. */
  async formOf(path: string, action: string): Promise<Record<string, string>> {
    const res = await this.get(path)
    return formFields(await res.text(), action)
  }

  private headers(extra: Record<string, string>): Headers {
    const h = new Headers({ 'cf-connecting-ip': this.ip })
    if (this.cookies.size > 0) h.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '))
    for (const [k, v] of Object.entries(extra)) {
      if (v === '') h.delete(k)
      else h.set(k, v)
    }
    return h
  }

  private async send(req: Request): Promise<Response> {
    const res = await this.fetchPage(req)
    for (const header of setCookieHeaders(res.headers)) {
      const c = parseSetCookie(header)
      this.setCookies.push(c)
      if (c.attrs.get('max-age') === '0') this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    return res
  }
}
