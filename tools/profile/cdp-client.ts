import WebSocket from 'ws'

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void }

/** A minimal Chrome DevTools Protocol client over one WebSocket (wrangler dev's inspector). */
export class CdpClient {
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly listeners = new Map<string, ((params: unknown) => void)[]>()

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as {
        id?: number
        result?: unknown
        error?: { message: string }
        method?: string
        params?: unknown
      }
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id)
        this.pending.delete(msg.id)
        if (msg.error) p?.reject(new Error(msg.error.message))
        else p?.resolve(msg.result)
      } else if (msg.method) {
        for (const fn of this.listeners.get(msg.method) ?? []) fn(msg.params)
      }
    })
    socket.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('inspector socket closed'))
      this.pending.clear()
    })
  }

  /** Connects to the first target the inspector at `port` lists. */
  static async connect(port: number): Promise<CdpClient> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
      webSocketDebuggerUrl: string
    }[]
    const url = targets[0]?.webSocketDebuggerUrl
    if (!url) throw new Error(`the inspector on port ${port} lists no target`)
    const socket = new WebSocket(url)
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
    })
    return new CdpClient(socket)
  }

  send<T>(method: string, params: object = {}): Promise<T> {
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.socket.send(JSON.stringify({ id, method, params }))
    })
  }

  on(method: string, fn: (params: unknown) => void): void {
    this.listeners.set(method, [...(this.listeners.get(method) ?? []), fn])
  }

  close(): void {
    this.socket.close()
  }
}
