import { SELF } from 'cloudflare:test'
import type { LexMap } from '@atproto/lex-data'
import { parseFrame } from '../e2e/relay/frame'
import { BASE_URL } from './client'

export type Frame = { header: LexMap; body: LexMap; bytes: Uint8Array }

/**
 * Decodes a frame with the strict relay's parser (test/e2e/relay/frame.ts), not the PDS's
 * own codec, so a frame the relay would drop fails the workerd suites too.
 */
function decodeFrame(bytes: Uint8Array): Frame {
  const f = parseFrame(bytes)
  if (f.kind === 'error') {
    const body: LexMap = f.message === undefined ? { error: f.error } : { error: f.error, message: f.message }
    return { header: { op: -1 }, body, bytes }
  }
  return { header: { op: 1, t: f.type }, body: f.body, bytes }
}

/** A `subscribeRepos` socket opened through the Worker, collecting decoded frames. */
export type Subscription = {
  frames: Frame[]
  closed: Promise<{ code: number; reason: string }>
  /** Resolves once `count` frames arrived; rejects if the socket closes first or nothing comes for a long time. */
  waitFor(count: number): Promise<Frame[]>
  close(): void
  ws: WebSocket
  response: Response
}

export async function subscribe(
  cursor?: number,
  opts: { accept?: boolean; ip?: string } = {},
): Promise<Subscription> {
  const url = new URL('/xrpc/com.atproto.sync.subscribeRepos', BASE_URL)
  if (cursor !== undefined) url.searchParams.set('cursor', String(cursor))
  const headers: Record<string, string> = { upgrade: 'websocket' }
  if (opts.ip) headers['cf-connecting-ip'] = opts.ip
  const response = await SELF.fetch(url, { headers })
  const ws = response.webSocket
  if (!ws) throw new Error(`no WebSocket: HTTP ${response.status} ${await response.text()}`)
  const frames: Frame[] = []
  const waiters: (() => void)[] = []
  let closedInfo: { code: number; reason: string } | null = null
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.addEventListener('close', (e) => {
      closedInfo = { code: e.code, reason: e.reason }
      resolve(closedInfo)
      for (const w of waiters.splice(0)) w()
    })
  })
  ws.addEventListener('message', (e) => {
    if (typeof e.data === 'string') throw new Error('text frame on the firehose')
    const bytes = new Uint8Array(e.data as ArrayBuffer)
    frames.push(decodeFrame(bytes))
    for (const w of waiters.splice(0)) w()
  })
  ws.binaryType = 'arraybuffer'
  if (opts.accept !== false) ws.accept()
  const waitFor = async (count: number): Promise<Frame[]> => {
    const deadline = Date.now() + 20_000
    while (frames.length < count) {
      if (closedInfo)
        throw new Error(
          `socket closed (${closedInfo.code} ${closedInfo.reason}) after ${frames.length} frames`,
        )
      if (Date.now() > deadline) throw new Error(`only ${frames.length} of ${count} frames arrived`)
      await new Promise<void>((resolve) => {
        waiters.push(resolve)
        setTimeout(resolve, 200)
      })
    }
    return frames.slice(0, count)
  }
  return { frames, closed, waitFor, close: () => ws.close(1000, 'done'), ws, response }
}
