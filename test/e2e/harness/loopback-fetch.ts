const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/**
 * `fetch` that only reaches this machine: the suite must never call plc.directory,
 * bsky.network or any other host, so a stray URL fails loudly instead of leaving.
 */
export const loopbackFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const url = new URL(input instanceof Request ? input.url : input)
  if (!LOOPBACK.has(url.hostname)) throw new Error(`refusing to fetch ${url.origin}: not a loopback host`)
  return fetch(input, init)
}
