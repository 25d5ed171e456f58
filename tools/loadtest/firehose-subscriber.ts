import WebSocket from 'ws'
import { now } from './clock'
import type { SeenEvent } from './delivery-count'
import type { FrameReader } from './frame-reader'

/**
 * How a subscriber reads:
 * - `healthy`: every frame as soon as it arrives;
 * - `slow`: one frame every 1/rate seconds, the socket paused while frames wait, so TCP
 *   pushes back on the server the way a relay that cannot keep up would;
 * - `stalled`: nothing at all (socket paused from the start) until released.
 */
export type SubscriberClass = 'healthy' | 'slow' | 'stalled'

/** A frame as the subscriber processed it, at `now()` time `at` (epoch ms). */
export type Delivery = SeenEvent & { at: number }

const CONNECT_TIMEOUT_MS = 30_000
const CLOSE_TIMEOUT_MS = 3_000
/** Larger than any frame a relay accepts (5 MB). */
const MAX_PAYLOAD = 8 * 1024 * 1024

/**
 * One `subscribeRepos` client (live, no cursor). Keeps every frame it processed, error
 * frames, and how the connection ended.
 */
export class FirehoseSubscriber {
  readonly deliveries: Delivery[] = []
  /** Error frames (`op: -1`) by name, e.g. `ConsumerTooSlow`. */
  readonly errorFrames: string[] = []
  /** Frames that did not decode as a firehose frame, with why. */
  readonly invalid: string[] = []
  /** Bytes of all binary frames received from the socket (processed or still queued). */
  bytes = 0
  closed: { code: number; reason: string; at: number } | null = null
  private ws: WebSocket | null = null
  private readonly queue: Buffer[] = []
  private timer: NodeJS.Timeout | null = null
  private mode: SubscriberClass

  constructor(
    readonly id: number,
    readonly cls: SubscriberClass,
    private readonly url: string,
    private readonly reader: FrameReader,
    /** Frames per second a `slow` subscriber processes. */
    private readonly slowRate: number,
    /** The local address to connect from (a loopback alias), so each looks like its own relay. */
    private readonly localAddress?: string,
  ) {
    this.mode = cls
  }

  /** Connects; resolves once the upgrade is answered (the shard has the socket from then on). */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, {
        perMessageDeflate: false,
        maxPayload: MAX_PAYLOAD,
        handshakeTimeout: CONNECT_TIMEOUT_MS,
        ...(this.localAddress ? { localAddress: this.localAddress } : {}),
      })
      this.ws = ws
      ws.on('open', () => {
        if (this.mode === 'stalled') ws.pause()
        resolve()
      })
      ws.on('message', (data, isBinary) => this.receive(data as Buffer, isBinary))
      ws.on('error', (e) => {
        if (ws.readyState === WebSocket.CONNECTING) reject(new Error(`subscriber ${this.id}: ${e.message}`))
      })
      ws.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString(), at: now() }
        this.clearTimer()
        reject(new Error(`subscriber ${this.id}: closed before open (${code})`))
      })
    })
  }

  /** Frames processed so far (for progress). */
  get deliveredCount(): number {
    return this.deliveries.length
  }

  /** From now on reads at full speed, starting with whatever waited. */
  release(): void {
    if (this.mode === 'healthy') return
    this.mode = 'healthy'
    this.clearTimer()
    while (this.queue.length > 0) this.process(this.queue.shift() as Buffer)
    this.ws?.resume()
  }

  /** Closes politely, then forcibly if the server does not answer the close in time. */
  async close(): Promise<void> {
    this.clearTimer()
    const ws = this.ws
    if (!ws || ws.readyState === WebSocket.CLOSED) return
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        ws.terminate()
        resolve()
      }, CLOSE_TIMEOUT_MS)
      ws.once('close', () => {
        clearTimeout(force)
        resolve()
      })
      ws.resume()
      ws.close(1000)
    })
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (!isBinary) {
      this.invalid.push('text frame')
      return
    }
    this.bytes += data.byteLength
    if (this.mode === 'healthy') {
      this.process(data)
      return
    }
    this.queue.push(data)
    if (!this.ws?.isPaused) this.ws?.pause()
    if (this.mode === 'slow') this.schedule()
  }

  /** A slow subscriber's clock: one queued frame per tick; the socket resumes when none wait. */
  private schedule(): void {
    if (this.timer !== null) return
    this.timer = setTimeout(() => {
      this.timer = null
      const next = this.queue.shift()
      if (next) this.process(next)
      if (this.queue.length > 0) this.schedule()
      else this.ws?.resume()
    }, 1000 / this.slowRate)
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private process(data: Buffer): void {
    const frame = this.reader.read(data)
    if (frame.kind === 'message') {
      this.deliveries.push({ seq: frame.seq, type: frame.type, rev: frame.rev, at: now() })
    } else if (frame.kind === 'error') {
      this.errorFrames.push(frame.error)
    } else if (frame.kind === 'invalid') {
      this.invalid.push(frame.reason)
    }
  }
}
