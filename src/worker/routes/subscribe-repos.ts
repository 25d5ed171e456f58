import { parseCursor, shardStub } from '../../actors/subscribers'
import { XRPCError } from '../../shared/xrpc-error'
import { configFor } from '../config-cache'

/**
 * `com.atproto.sync.subscribeRepos`: hands the WebSocket upgrade to a subscriber
 * shard picked at random, so sockets spread evenly without shared state.
 */
export async function subscribeRepos(req: Request, env: Env): Promise<Response> {
  if (req.method !== 'GET') throw new XRPCError(405, 'InvalidRequest', 'subscribeRepos requires GET')
  if (req.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    throw new XRPCError(426, 'InvalidRequest', 'subscribeRepos requires a WebSocket upgrade')
  }
  if (!parseCursor(new URL(req.url).searchParams.get('cursor')).ok) {
    throw new XRPCError(400, 'InvalidRequest', 'cursor must be a non-negative integer')
  }
  const shard = Math.floor(Math.random() * configFor(env).subscriberShards)
  return shardStub(env, shard).fetch(req)
}
