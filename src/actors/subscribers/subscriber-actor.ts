import { DurableObject } from 'cloudflare:workers'
import { parseConfig } from '../../shared/config'
import { DEFAULT_FIREHOSE_LIMITS, type FirehoseLimits } from '../../shared/config/firehose'
import type { StoredFrame } from '../../shared/event-frame'
import { createLogger, setLogFormat } from '../../shared/logger'
import { XRPCError } from '../../shared/xrpc-error'
import { sequencerStub } from '../sequencer'
import { capReached, refuseFutureCursor } from './admission'
import { CLIENT_HEADER, clientFromTags, clientTag } from './client-address'
import { type ShardFigures, shardFigures, shardLoad } from './shard-figures'
import { DEFAULT_LIMITS, ShardPump } from './shard-pump'
import { ShardRegistration } from './shard-registration'
import { SocketRegistry } from './socket-registry'
import { initialState, parseCursor } from './subscription-state'

const log = createLogger('subs')

/**
 * A subscriber shard: holds hibernatable `subscribeRepos` WebSockets and streams
 * the sequencer's log to them. A thin shell around ShardPump; per-socket state
 * lives in each socket's attachment and its client in a tag, so hibernation loses
 * nothing. The Worker routes every socket of one client here, so the caps per client
 * and per shard are counted exactly, from the sockets themselves.
 */
export class SubscriberActor extends DurableObject<Env> {
  private readonly pump: ShardPump
  private readonly sockets: SocketRegistry
  private readonly registration: ShardRegistration
  private readonly limits: FirehoseLimits

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    const sequencer = sequencerStub(env)
    // The Worker refuses every request while a setting is broken, so defaults are only a fallback.
    const config = parseConfig(env)
    this.limits = config.ok ? config.value.firehose : DEFAULT_FIREHOSE_LIMITS
    if (config.ok) setLogFormat(config.value.logFormat)
    this.sockets = new SocketRegistry(
      () => ctx.getWebSockets(),
      (ws) => clientFromTags(ctx.getTags(ws)),
    )
    this.registration = new ShardRegistration(
      () => shardLoad(this.sockets.open()),
      (load) => sequencer.reportShard(this.shardName(), load),
    )
    this.pump = new ShardPump(
      { read: (after, limit, maxBytes) => sequencer.read(after, limit, maxBytes) },
      () => this.sockets.open(),
      { ...DEFAULT_LIMITS, ...this.limits },
    )
  }

  /** Accepts a `subscribeRepos` upgrade routed here by the Worker, which checked the cursor. */
  override async fetch(req: Request): Promise<Response> {
    const parsed = parseCursor(new URL(req.url).searchParams.get('cursor'))
    const cursor = parsed.ok ? parsed.cursor : null
    const clientKey = req.headers.get(CLIENT_HEADER) ?? 'unknown'
    const { head } = await sequencerStub(this.env).info()
    const full = capReached(this.ctx, clientKey, this.limits)
    if (full) return new XRPCError(429, 'RateLimitExceeded', full).toResponse()
    const { 0: client, 1: server } = new WebSocketPair()
    if (cursor !== null && cursor > head) {
      refuseFutureCursor(server)
    } else {
      this.ctx.acceptWebSocket(server, [clientTag(clientKey)])
      this.sockets.add(server, initialState(cursor, head))
      // Events appended before the sequencer knew of this shard woke no one here: the head
      // it answers covers them.
      const latest = await this.registration.sync()
      const start = Math.max(head, latest ?? 0)
      this.ctx.waitUntil(this.pump.wake(start).catch((e) => log.error('pump failed', { error: String(e) })))
    }
    return new Response(null, { status: 101, webSocket: client })
  }

  /** The sequencer's word that the log reached `head`. */
  async wake(head: number, frames: StoredFrame[] = []): Promise<void> {
    if (this.sockets.open().length === 0) {
      await this.registration.sync()
      return
    }
    await this.pump.wake(head, frames)
  }

  /** Socket counts for the status page. */
  async figures(): Promise<ShardFigures> {
    return shardFigures(this.sockets.open(), this.pump.cutOff)
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
    await this.registration.sync()
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.sockets.forget(ws)
    await this.registration.sync()
  }

  private shardName(): string {
    const name = this.ctx.id.name
    if (!name) throw new Error('subscriber shards are addressed by name')
    return name
  }
}
