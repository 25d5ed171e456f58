import type { SubscriberSocket } from './shard-pump'
import { parseState, type SubscriptionState } from './subscription-state'

/**
 * A shard's open sockets and their subscription state. While the shard is awake
 * the state lives in memory and is written to each socket's attachment a moment
 * after it changes, not on every frame (that write was the shard's largest cost).
 * @NOTE A Durable Object does not hibernate while a timer is pending, so the
 * attachments are current whenever the shard hibernates; an eviction without
 * hibernation closes the sockets, and their clients reconnect with a cursor.
 *
 * The list of open sockets is built once and kept until a socket is added, forgotten
 * or closed here: the pump asks for it on every pass, and asking the runtime
 * (`getWebSockets`, each `readyState`) each time cost more per socket than serving it.
 * A socket the peer closed before its close event arrives fails its send; that socket
 * is then forgotten (its close event forgets it again, harmlessly).
 */
export class SocketRegistry {
  private readonly states = new Map<WebSocket, SubscriptionState>()
  private readonly adapters = new Map<WebSocket, SubscriberSocket>()
  private readonly dirty = new Set<WebSocket>()
  private timer: ReturnType<typeof setTimeout> | null = null
  private flushWaiters: (() => void)[] = []
  private list: SubscriberSocket[] | null = null

  constructor(
    private readonly all: () => WebSocket[],
    private readonly clientOf: (ws: WebSocket) => string,
    private readonly flushDelayMs = 250,
  ) {}

  /** The open sockets, read from attachments only the first time each is seen. */
  open(): SubscriberSocket[] {
    if (this.list) return this.list
    const out: SubscriberSocket[] = []
    for (const ws of this.all()) {
      if (ws.readyState !== WebSocket.OPEN) continue
      const adapter = this.adapters.get(ws) ?? this.adapt(ws)
      if (adapter) out.push(adapter)
    }
    this.list = out
    return out
  }

  /** A new socket: its first state is written at once. */
  add(ws: WebSocket, state: SubscriptionState): void {
    ws.serializeAttachment(state)
    this.states.set(ws, state)
    this.list = null
  }

  forget(ws: WebSocket): void {
    this.states.delete(ws)
    this.adapters.delete(ws)
    this.dirty.delete(ws)
    this.list = null
  }

  /** Writes every changed state to its attachment now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    for (const ws of this.dirty) {
      const state = this.states.get(ws)
      if (state && ws.readyState === WebSocket.OPEN) ws.serializeAttachment(state)
    }
    this.dirty.clear()
    for (const resolve of this.flushWaiters.splice(0)) resolve()
  }

  /** Resolves once every state change so far is in its attachment (at the next flush). */
  written(): Promise<void> {
    if (this.dirty.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.flushWaiters.push(resolve))
  }

  private adapt(ws: WebSocket): SubscriberSocket | null {
    const initial = this.states.get(ws) ?? parseState(ws.deserializeAttachment())
    if (!initial) return null
    this.states.set(ws, initial)
    const registry = this
    const adapter: SubscriberSocket = {
      client: this.clientOf(ws),
      get state() {
        return registry.states.get(ws) ?? initial
      },
      setState(next) {
        if (!registry.adapters.has(ws)) return // forgotten: closed meanwhile
        registry.states.set(ws, next)
        registry.dirty.add(ws)
        registry.timer ??= setTimeout(() => registry.flush(), registry.flushDelayMs)
      },
      send: (frame) => {
        try {
          ws.send(frame)
        } catch {
          this.forget(ws) // closed by the peer; its close event has not arrived yet
        }
      },
      bufferedAmount: () => {
        const amount = (ws as { bufferedAmount?: unknown }).bufferedAmount
        return typeof amount === 'number' ? amount : undefined
      },
      close: (code, reason) => {
        this.forget(ws)
        ws.close(code, reason)
      },
    }
    this.adapters.set(ws, adapter)
    return adapter
  }
}
