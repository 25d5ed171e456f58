import { DurableObject } from 'cloudflare:workers'
import { errorFrame, type StoredFrame } from '../../shared/event-frame'
import { createLogger } from '../../shared/logger'
import { sequencerStub } from '../sequencer'
import { ShardPump } from './shard-pump'
import { SocketRegistry } from './socket-registry'
import { initialState, parseCursor } from './subscription-state'

const log = createLogger('subs')

/**
 * A subscriber shard: holds hibernatable `subscribeRepos` WebSockets and streams
 * the sequencer's log to them. A thin shell around ShardPump; per-socket state
 * lives in each socket's attachment, so hibernation loses nothing.
 */
export class SubscriberActor extends DurableObject<Env> {
  private readonly pump: ShardPump
  private readonly sockets: SocketRegistry
  private registered = false

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    const sequencer = sequencerStub(env)
    this.sockets = new SocketRegistry(() => ctx.getWebSockets())
    this.pump = new ShardPump(
      { read: (after, limit, maxBytes) => sequencer.read(after, limit, maxBytes) },
      () => this.sockets.open(),
    )
  }

  /** Accepts a `subscribeRepos` upgrade routed here by the Worker, which checked the cursor. */
  override async fetch(req: Request): Promise<Response> {
    const parsed = parseCursor(new URL(req.url).searchParams.get('cursor'))
    const cursor = parsed.ok ? parsed.cursor : null
    const { head } = await sequencerStub(this.env).info()
    const { 0: client, 1: server } = new WebSocketPair()
    this.ctx.acceptWebSocket(server)
    if (cursor !== null && cursor > head) {
      server.send(errorFrame('FutureCursor', 'Cursor in the future.'))
      server.close(1008, 'FutureCursor')
    } else {
      this.sockets.add(server, initialState(cursor, head))
      await this.register()
      this.ctx.waitUntil(this.pump.wake(head).catch((e) => log.error('pump failed', { error: String(e) })))
    }
    return new Response(null, { status: 101, webSocket: client })
  }

  /** The sequencer's word that the log reached `head`. */
  async wake(head: number, frames: StoredFrame[] = []): Promise<void> {
    if (this.ctx.getWebSockets().length === 0) {
      await this.unregister()
      return
    }
    await this.pump.wake(head, frames)
  }

  /** Subscribers have nothing to say; their messages are ignored. */
  override async webSocketMessage(): Promise<void> {}

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // Reply to the client's close; without it clients report 1006.
    try {
      ws.close(code === 1005 ? 1000 : code, reason)
    } catch {
      // already closed
    }
    this.sockets.forget(ws)
    if (this.sockets.open().length === 0) await this.unregister()
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.sockets.forget(ws)
    if (this.sockets.open().length === 0) await this.unregister()
  }

  private async register(): Promise<void> {
    if (this.registered) return
    await sequencerStub(this.env).registerShard(this.shardName())
    this.registered = true
  }

  private async unregister(): Promise<void> {
    await sequencerStub(this.env).unregisterShard(this.shardName())
    this.registered = false
  }

  private shardName(): string {
    const name = this.ctx.id.name
    if (!name) throw new Error('subscriber shards are addressed by name')
    return name
  }
}
