import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { reportCheck } from './harness/check-log'
import { waitFor } from './harness/wait-for'
import { openRelaySocket } from './relay/relay-socket'

type Behaviour = { autoPong?: boolean; serverHeader?: string; onOpen?: (send: (d: string) => void) => void }

/** A local stand-in for a misbehaving PDS, on 127.0.0.1 only. */
async function fakePds(opts: Behaviour) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: opts.autoPong ?? true })
  await new Promise((r) => wss.once('listening', r))
  if (opts.serverHeader) wss.on('headers', (headers) => headers.push(`Server: ${opts.serverHeader}`))
  wss.on('connection', (ws) => opts.onOpen?.((d) => ws.send(d)))
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/xrpc/com.atproto.sync.subscribeRepos`
  return { url, close: () => new Promise<void>((r) => wss.close(() => r())) }
}

const ping = { pingIntervalMs: 100, pongTimeoutMs: 500 }

describe('the relay socket drops hosts that indigo drops', () => {
  let stop: (() => Promise<void>) | null = null
  afterEach(async () => {
    await stop?.()
    stop = null
  })

  const cases: [string, Behaviour, RegExp][] = [
    ['sends a text frame', { onOpen: (send) => send('{"op":1}') }, /text frame/],
    ['stops answering pings', { autoPong: false }, /no pong for 500 ms/],
    ['calls itself atproto-relay', { serverHeader: 'atproto-relay/1.0' }, /Server header/],
  ]
  it.each(cases)('fails a host that %s', async (_, behaviour, why) => {
    const pds = await fakePds(behaviour)
    stop = pds.close
    const end = await openRelaySocket(pds.url, ping, () => {}).ended
    expect(end.kind).toBe('fatal')
    expect(end.kind === 'fatal' ? end.reason : '').toMatch(why)
  })

  it('keeps a host that answers pings', async () => {
    const pds = await fakePds({})
    stop = pds.close
    const socket = openRelaySocket(pds.url, ping, () => {})
    await waitFor(() => socket.stats.pongs >= 3, '3 pongs', 10_000)
    expect(socket.stats.open).toBe(true)
    socket.close()
    expect((await socket.ended).kind).toBe('closed')
    reportCheck(
      'relay socket self-check',
      'text frame, missing pongs and a relay Server header are fatal; pongs keep it',
    )
  })
})
