import { sequencerStub } from '../../actors/sequencer'
import { CLIENT_HEADER, clientKey, parseCursor, shardStub } from '../../actors/subscribers'
import { XRPCError } from '../../shared/xrpc-error'

/**
 * `com.atproto.sync.subscribeRepos`: hands the WebSocket upgrade to the subscriber shard
 * the sequencer places the client's address on (`cf-connecting-ip`, which Cloudflare
 * sets): the one that holds its other sockets, so it can count them exactly, or for a new
 * client the lowest shard with room (shard-placement.ts).
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
  const shard = await sequencerStub(env).placeClient(client)
  return shardStub(env, shard).fetch(forward)
}
