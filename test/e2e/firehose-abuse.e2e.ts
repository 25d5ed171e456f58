import { appendFileSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { decodeFrame } from '../../src/shared/event-frame'
import { loggedInAgent } from './clients/pds-agent'
import { reportCheck } from './harness/check-log'
import { freePort } from './harness/free-port'
import { pds } from './harness/pds-context'
import { createPdsIdentity, type PdsIdentity } from './harness/pds-identity'
import { startPds } from './harness/pds-process'
import { groupMembers, stopGroup } from './harness/process-group'
import { waitFor } from './harness/wait-for'
import { TEST_RELAY_DEFAULTS } from './relay/relay-options'
import { StrictRelay } from './relay/strict-relay'
import { NOTES, note } from './workload/records'
import { RepoWriter } from './workload/repo-writer'
import { WriteLog } from './workload/write-log'

// A server of its own, with a small per-client budget (1 MiB/s, 1 MiB of burst, 2 s of
// grace: about 3 MiB per client before ConsumerTooSlow) so a stalled reader is cut off
// within seconds of a ~10 MB log; the socket caps keep their defaults (100 per address).
const LIMITS = {
  FIREHOSE_SOCKET_BYTES_PER_SEC: String(1 << 20),
  FIREHOSE_SOCKET_BURST_BYTES: String(1 << 20),
  FIREHOSE_SLOW_GRACE_SECONDS: '2',
}
const CLIENT_BOUND = (1 << 20) * 3

let id: PdsIdentity
let pgid = 0
let writer: RepoWriter

const streamUrl = (cursor?: number) =>
  `${id.baseUrl.replace(/^http/, 'ws')}/xrpc/com.atproto.sync.subscribeRepos${cursor === undefined ? '' : `?cursor=${cursor}`}`

/** VmRSS of the server's workerd processes together, in MiB. */
function workerdRssMiB(): number {
  let kib = 0
  for (const p of groupMembers(pgid)) {
    if (p.comm !== 'workerd') continue
    const line = readFileSync(`/proc/${p.pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m)
    kib += Number(line?.[1] ?? 0)
  }
  return kib / 1024
}

type Dialed = {
  ws: WebSocket
  /** `open`, or the HTTP status the upgrade was refused with, or the error. */
  outcome: Promise<{ open: true } | { open: false; status: number; body: string } | { error: string }>
  frames: Uint8Array[]
  bytes: number
  closed: Promise<{ code: number; reason: string; at: number }>
}

/** A plain WebSocket from `localAddress`; `stall` stops reading right after the upgrade. */
function dial(
  url: string,
  localAddress: string,
  opts: { stall?: boolean; headers?: Record<string, string> } = {},
): Dialed {
  const ws = new WebSocket(url, { localAddress, perMessageDeflate: false, headers: opts.headers })
  const d: Dialed = { ws, frames: [], bytes: 0 } as unknown as Dialed
  d.outcome = new Promise((resolve) => {
    ws.once('open', () => {
      if (opts.stall) ws.pause()
      resolve({ open: true })
    })
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (c: Buffer) => {
        body += c.toString()
      })
      res.on('end', () => resolve({ open: false, status: res.statusCode ?? 0, body }))
    })
    ws.once('error', (e) => resolve({ error: e.message }))
  })
  d.closed = new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })),
  )
  ws.on('message', (data: Buffer) => {
    d.frames.push(new Uint8Array(data))
    d.bytes += data.byteLength
  })
  return d
}

async function writeNotes(count: number, padding: number, label: string): Promise<void> {
  for (let i = 0; i < count; i++) await writer.create(NOTES, `${label}-${i}`, note(`${label} ${i}`, padding))
}

describe('firehose abuse limits under wrangler dev', () => {
  beforeAll(async () => {
    const dir = join(pds().dir, 'abuse')
    mkdirSync(dir)
    id = await createPdsIdentity(dir, await freePort())
    appendFileSync(
      id.envFile,
      `${Object.entries(LIMITS)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n')}\n`,
    )
    pgid = (await startPds(id, 'abuse')).pgid
    writer = new RepoWriter(await loggedInAgent(id), id.did, new WriteLog())
    await writeNotes(3, 10, 'genesis')
    reportCheck('abuse server', `wrangler dev on ${id.baseUrl} with ${JSON.stringify(LIMITS)}`)
  })

  afterAll(async () => {
    if (pgid) await stopGroup(pgid)
  })

  // The bug this guards: the server's close never reached the client, which then waited
  // forever. A generous bound tells that apart without timing the close itself.
  it('answers a cursor in the future with FutureCursor and a close 1008 (not a socket left open)', async () => {
    const d = dial(streamUrl(1_000_000), '127.0.0.1')
    expect(await d.outcome).toEqual({ open: true })
    const opened = Date.now()
    const closed = await Promise.race([d.closed, new Promise<null>((r) => setTimeout(() => r(null), 10_000))])
    expect(closed).not.toBeNull()
    expect(closed).toMatchObject({ code: 1008, reason: 'FutureCursor' })
    const ms = (closed?.at ?? 0) - opened // reported, not asserted
    const frame = d.frames[0]
    expect(frame && decodeFrame(frame)).toEqual({
      header: { op: -1 },
      body: { error: 'FutureCursor', message: 'Cursor in the future.' },
    })
    reportCheck('FutureCursor', `error frame, then close 1008 FutureCursor ${ms} ms after the upgrade`)
  })
  it('refuses sockets over the per-address cap with 429 while a relay on another address keeps every event', async () => {
    const relay = new StrictRelay({
      ...TEST_RELAY_DEFAULTS,
      name: 'relay-127.0.0.2',
      baseUrl: id.baseUrl,
      did: id.did,
      localAddress: '127.0.0.2',
    })
    await relay.start()
    await waitFor(() => relay.connected, 'relay connection', 15_000)
    const flood = Array.from({ length: 200 }, () => dial(streamUrl(), '127.0.0.1'))
    const outcomes = await Promise.all(flood.map((d) => d.outcome))
    const open = outcomes.filter((o) => 'open' in o && o.open).length
    const refused = outcomes.filter((o) => 'status' in o && o.status === 429)
    const body = refused[0] && 'body' in refused[0] ? JSON.parse(refused[0].body) : null
    // A client-sent cf-connecting-ip: under wrangler dev it survives (Cloudflare overwrites it).
    const spoofed = dial(streamUrl(), '127.0.0.1', { headers: { 'cf-connecting-ip': '198.51.100.9' } })
    const spoofOutcome = await spoofed.outcome
    spoofed.ws.close()
    await writeNotes(20, 100, 'capped')
    await relay.waitUntil(
      () => relay.seen.filter((e) => e.type === '#commit').length >= 20,
      '20 commits',
      30_000,
    )
    const stillOpen = flood.filter((d) => d.ws.readyState === WebSocket.OPEN).length
    for (const d of flood) d.ws.close()
    await relay.stop()
    expect(open).toBe(100)
    expect(refused.length).toBe(100)
    expect(body).toMatchObject({ error: 'RateLimitExceeded' })
    expect(stillOpen).toBe(100)
    expect(relay.problems).toEqual([])
    const seqs = relay.seen.map((e) => e.seq)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => (seqs[0] ?? 0) + i))
    reportCheck(
      'socket caps',
      `200 sockets from 127.0.0.1: ${open} open, ${refused.length} refused with 429 ${body?.error}; ` +
        `relay on 127.0.0.2 got ${relay.seen.length} events (seq ${seqs[0]}..${seqs.at(-1)}) with no problem; ` +
        `a 201st from 127.0.0.1 claiming cf-connecting-ip 198.51.100.9 was ${'open' in spoofOutcome && spoofOutcome.open ? 'accepted: wrangler dev passes a client header through' : 'refused'}`,
    )
  })

  it('cuts off stalled cursor=0 readers and keeps workerd memory bounded while a relay keeps every event', async () => {
    await writeNotes(200, 50_000, 'bulk') // about 10 MB of log
    const logBytes = 200 * 50_000
    const relay = new StrictRelay({
      ...TEST_RELAY_DEFAULTS,
      name: 'relay-127.0.0.2',
      baseUrl: id.baseUrl,
      did: id.did,
      localAddress: '127.0.0.2',
    })
    await relay.start()
    await waitFor(() => relay.connected, 'relay connection', 15_000)
    const before = workerdRssMiB()
    let peak = before
    const sampler = setInterval(() => {
      peak = Math.max(peak, workerdRssMiB())
    }, 200)
    const stalled = Array.from({ length: 10 }, () => dial(streamUrl(0), '127.0.0.10', { stall: true }))
    for (const d of stalled) expect(await d.outcome).toEqual({ open: true })
    await writeNotes(20, 100, 'during')
    await new Promise((r) => setTimeout(r, 8_000)) // burst + 2 s held + ticks, with margin
    const after = workerdRssMiB()
    clearInterval(sampler)
    // Now read what each was sent: its frames, then ConsumerTooSlow.
    for (const d of stalled) d.ws.resume()
    await waitFor(
      () => stalled.every((d) => d.frames.some((f) => decodeFrame(f).header.op === -1)),
      'ConsumerTooSlow on every stalled socket',
      30_000,
    )
    const received = stalled.map((d) => d.bytes)
    const errors = stalled.map((d) => {
      const last = d.frames.at(-1)
      return last ? decodeFrame(last).body.error : undefined
    })
    await relay.waitUntil(
      () => relay.seen.filter((e) => e.type === '#commit').length >= 20,
      '20 commits',
      30_000,
    )
    for (const d of stalled) d.ws.terminate()
    await relay.stop()
    expect(errors).toEqual(stalled.map(() => 'ConsumerTooSlow'))
    // One address, one budget: the ten together were sent about the bound, not 10 × 10 MB.
    const total = received.reduce((a, b) => a + b, 0)
    expect(total).toBeLessThan(CLIENT_BOUND + 10 * 60_000)
    expect(relay.problems).toEqual([])
    // Without the limits each stalled socket was sent the whole log: 10 × 10 MB queued.
    // What remains is the shard's frame cache (at most 8 MiB) and read buffers.
    expect(peak - before).toBeLessThan(64)
    reportCheck(
      'stalled readers',
      `10 stalled cursor=0 readers on 127.0.0.10 of a ${(logBytes / 1e6).toFixed(0)} MB log were sent ` +
        `${(total / 2 ** 20).toFixed(1)} MiB together, then each ConsumerTooSlow; ` +
        `workerd VmRSS ${before.toFixed(0)} MiB before, ${peak.toFixed(0)} MiB peak, ${after.toFixed(0)} MiB after; ` +
        `relay on 127.0.0.2 got every event (${relay.seen.length}) with no problem`,
    )
  })
})
