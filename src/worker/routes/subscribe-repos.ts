import { shardStub } from '../../actors/subscribers'
import { XRPCError } from '../../shared/xrpc-error'

const DEFAULT_SHARDS = 8

/** How many subscriber shards share the sockets (`SUBSCRIBER_SHARDS`, default 8). */
export function shardCount(env: Env): number {
  const n = Number(env.SUBSCRIBER_SHARDS)
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_SHARDS
}

/**
 * `com.atproto.sync.subscribeRepos`: hands the WebSocket upgrade to a subscriber
 * shard picked at random, so sockets spread evenly without shared state.
 */
export async function subscribeRepos(req: Request, env: Env): Promise<Response> {
  if (req.method !== 'GET') throw new XRPCError(405, 'InvalidRequest', 'subscribeRepos requires GET')
  if (req.headers.get('upgrade')?.toLowerCase() !== 'websocket') {
    throw new XRPCError(426, 'InvalidRequest', 'subscribeRepos requires a WebSocket upgrade')
  }
  const shard = Math.floor(Math.random() * shardCount(env))
  return shardStub(env, shard).fetch(req)
}
