import { CLIENT_HEADER, clientKey, parseCursor, shardForClient, shardStub } from '../../actors/subscribers'
import { XRPCError } from '../../shared/xrpc-error'
import { configFor } from '../config-cache'

/**
 * `com.atproto.sync.subscribeRepos`: hands the WebSocket upgrade to the subscriber shard
 * of the client's address (`cf-connecting-ip`, which Cloudflare sets), so one shard holds
 * all of a client's sockets and can count them exactly; distinct clients spread evenly.
 */
export async function subscribeRepos(req: Request, env: Env): Promise<Response> {
  if (req.method !== 'GET') throw new XRPCError(405, 'InvalidRequest', 'subscribeRepos requires GET')
  if (req.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    throw new XRPCError(426, 'InvalidRequest', 'subscribeRepos requires a WebSocket upgrade')
  }
  if (!parseCursor(new URL(req.url).searchParams.get('cursor')).ok) {
    throw new XRPCError(400, 'InvalidRequest', 'cursor must be a non-negative integer')
  }
  const client = clientKey(req.headers.get('cf-connecting-ip'))
  const forward = new Request(req)
  forward.headers.set(CLIENT_HEADER, client)
  return shardStub(env, shardForClient(client, configFor(env).subscriberShards)).fetch(forward)
}
