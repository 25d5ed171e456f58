import WebSocket from 'ws'

/**
 * Ping settings: indigo pings every 30 s and extends its read deadline on each pong.
 * `localAddress` dials from another loopback address (127.0.0.2), to be another client.
 */
export type PingOptions = { pingIntervalMs: number; pongTimeoutMs: number; localAddress?: string }

/** Why a connection ended, from the relay's point of view. */
export type SocketEnd =
  | { kind: 'dial-failed'; reason: string }
  | { kind: 'closed'; code: number; reason: string }
  | { kind: 'fatal'; reason: string }

/** One `subscribeRepos` WebSocket as a relay holds it. */
export type RelaySocket = {
  /** Settles once the connection is over, however it ended. */
  ended: Promise<SocketEnd>
  /** Ends it from our side with a fatal reason (a frame the relay refuses). */
  fail(reason: string): void
  close(): void
  stats: { open: boolean; pongs: number; serverHeader: string | null }
}

/**
 * Dials `url` with the relay's rules: a `Server` header naming `atproto-relay` is fatal
 * (indigo bans such a host), a text frame is fatal ("expected binary message"), a ping
 * goes out every `pingIntervalMs` and the connection is fatal once no pong came for
 * `pongTimeoutMs`. `onFrame` gets each binary message, in order.
 */
export function openRelaySocket(
  url: string,
  ping: PingOptions,
  onFrame: (bytes: Uint8Array) => void,
): RelaySocket {
  const ws = new WebSocket(url, {
    perMessageDeflate: false,
    handshakeTimeout: 15_000,
    maxPayload: 64 << 20,
    ...(ping.localAddress ? { localAddress: ping.localAddress } : {}),
  })
  const stats = { open: false, pongs: 0, serverHeader: null as string | null }
  let opened = false
  let done = false
  let timer: NodeJS.Timeout | undefined
  let settle: (end: SocketEnd) => void = () => {}
  const ended = new Promise<SocketEnd>((resolve) => {
    settle = (end) => {
      done = true
      stats.open = false
      clearInterval(timer)
      settle = () => {}
      resolve(end)
    }
  })
  const fail = (reason: string) => {
    settle({ kind: 'fatal', reason })
    ws.terminate()
  }

  ws.on('upgrade', (res) => {
    const raw = res.headers.server
    const server = raw === undefined ? null : [raw].flat().join(', ')
    stats.serverHeader = server
    if (server?.toLowerCase().includes('atproto-relay'))
      fail(`Server header "${server}": a relay bans this host`)
  })
  ws.on('unexpected-response', (_req, res) => {
    settle({ kind: 'dial-failed', reason: `HTTP ${res.statusCode} instead of an upgrade` })
    ws.terminate()
  })
  ws.on('open', () => {
    if (done) return
    opened = true
    stats.open = true
    let lastPong = Date.now()
    ws.on('pong', () => {
      stats.pongs += 1
      lastPong = Date.now()
    })
    timer = setInterval(() => {
      if (Date.now() - lastPong > ping.pongTimeoutMs) fail(`no pong for ${ping.pongTimeoutMs} ms`)
      else ws.ping()
    }, ping.pingIntervalMs)
  })
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return fail('text frame: a relay expects binary messages only')
    const chunks = Array.isArray(data) ? data : [data]
    const buffers = chunks.map((c) => (c instanceof ArrayBuffer ? Buffer.from(c) : c))
    const buf = Buffer.concat(buffers)
    onFrame(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength))
  })
  ws.on('error', (e) => {
    if (!opened) settle({ kind: 'dial-failed', reason: e.message })
  })
  ws.on('close', (code, reason) => settle({ kind: 'closed', code, reason: reason.toString() }))

  return { ended, fail, close: () => ws.close(1000), stats }
}
