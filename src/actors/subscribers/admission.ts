import type { FirehoseLimits } from '../../shared/config/firehose'
import { errorFrame } from '../../shared/event-frame'
import { clientTag } from './client-address'

type Sockets = { getWebSockets(tag?: string): WebSocket[] }

/**
 * Why another socket of `client` would be one too many on this shard, or null when there
 * is room. The Worker routes every socket of one client to the same shard, so this count
 * is exact; the caller accepts with no await after it, so two upgrades cannot both take
 * the last place.
 */
export function capReached(sockets: Sockets, client: string, limits: FirehoseLimits): string | null {
  const open = (list: WebSocket[]) => list.filter((ws) => ws.readyState === WebSocket.OPEN).length
  if (open(sockets.getWebSockets(clientTag(client))) >= limits.maxSocketsPerClient)
    return `at most ${limits.maxSocketsPerClient} firehose sockets per client address`
  if (open(sockets.getWebSockets()) >= limits.maxSocketsPerShard)
    return 'this server holds as many firehose sockets as it can; try again later'
  return null
}

/**
 * Answers a cursor past the head with `FutureCursor` and closes. A plain socket, not a
 * hibernatable one: under `wrangler dev` the close of a hibernatable socket issued here
 * (or later, from waitUntil) never reached the client, which saw the error frame and
 * then waited; a plain one closes at once.
 */
export function refuseFutureCursor(server: WebSocket): void {
  server.accept()
  server.send(errorFrame('FutureCursor', 'Cursor in the future.'))
  server.close(1008, 'FutureCursor')
}
