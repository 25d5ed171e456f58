// `npm run profile:fanout`: what firehose fan-out costs the PDS's own workerd per event.
// One fresh local `wrangler dev` (as `npm start` runs it); rounds of sequential createRecord
// with 0, 1 and 100 live subscribers, one after another on the same server, CPU read from
// /proc for the user workerd only. Each round's 1 − 0 and 100 − 0 is paired (same minute,
// same load), so the machine's drift between rounds cancels; the medians are the figures.
//   --writes N   writes per phase (300)   --rounds N   rounds (5)   --warmup N   writes first (200)
//   --deflate    also a phase of 100 subscribers offering permessage-deflate, as `ws` clients do by
//                default (locally miniflare's entry worker accepts it whatever the PDS's flags)

import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { groupMembers } from '../../test/e2e/harness/process-group'
import { startLocalServer } from '../loadtest/local-server'
import { isUserWorkerd, TICKS_PER_SECOND } from '../loadtest/memory-sampler'
import type { Target } from '../loadtest/target'
import { quantile, sequentialWrites } from './write-driver'

/** A phase: how many subscribers, and whether they offer permessage-deflate. */
type Phase = { n: number; deflate: boolean; label: string }
const plain = (n: number): Phase => ({ n, deflate: false, label: `${n} subscribers` })
/** The zero-subscriber phase every other one is paired with, round by round. */
const ZERO = plain(0)
const PHASES: Phase[] = [ZERO, plain(1), plain(100)]
const DEFLATE_PHASE: Phase = { n: 100, deflate: true, label: '100 subscribers with deflate' }
/** How long the last frames of a phase may take to arrive before its CPU is read. */
const DRAIN_TIMEOUT_MS = 10_000

/** CPU ms (user + system) of the workerd that runs the PDS. */
function pdsWorkerdCpuMs(pgid: number): number {
  let ticks = 0
  for (const p of groupMembers(pgid)) {
    if (p.comm !== 'workerd' || !isUserWorkerd(p.pid)) continue
    const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    ticks += Number(fields[11]) + Number(fields[12])
  }
  return (ticks * 1000) / TICKS_PER_SECOND
}

/** `n` live subscribers, each from its own loopback address (the PDS budgets per address). */
async function subscribe(
  target: Target,
  n: number,
  deflate: boolean,
): Promise<{ close: () => void; frames: () => number }> {
  let frames = 0
  const sockets = await Promise.all(
    Array.from(
      { length: n },
      (_, i) =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(target.firehoseUrl, {
            perMessageDeflate: deflate,
            localAddress: `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`,
          })
          ws.on('open', () => resolve(ws))
          ws.on('error', reject)
          ws.on('message', () => frames++)
        }),
    ),
  )
  const close = () => {
    for (const ws of sockets) ws.close()
  }
  return { close, frames: () => frames }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** PDS workerd CPU µs per write for one phase with `n` subscribers. */
async function phase(target: Target, pgid: number, { n, deflate }: Phase, writes: number): Promise<number> {
  const subs = await subscribe(target, n, deflate)
  try {
    await sleep(500) // the shard's registration settles outside the measured window
    const before = pdsWorkerdCpuMs(pgid)
    await sequentialWrites(target, writes)
    const until = Date.now() + DRAIN_TIMEOUT_MS
    while (subs.frames() < n * writes && Date.now() < until) await sleep(20)
    if (subs.frames() < n * writes)
      throw new Error(`${n} subscribers got ${subs.frames()} of ${n * writes} frames`)
    return ((pdsWorkerdCpuMs(pgid) - before) * 1000) / writes
  } finally {
    subs.close()
    await sleep(800) // the closes are handled before the next phase
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      writes: { type: 'string', default: '300' },
      rounds: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '200' },
      deflate: { type: 'boolean', default: false },
    },
  })
  const writes = Number(values.writes)
  const server = await startLocalServer({})
  try {
    const { target } = server
    const pgid = target.serverPgid
    if (pgid === null) throw new Error('a local server has a process group')
    await sequentialWrites(target, Number(values.warmup))
    const phases = values.deflate ? [...PHASES, DEFLATE_PHASE] : PHASES
    const perWrite = new Map<Phase, number[]>(phases.map((p) => [p, []]))
    for (let round = 0; round < Number(values.rounds); round++) {
      const line: string[] = []
      for (const p of phases) {
        const us = await phase(target, pgid, p, writes)
        perWrite.get(p)?.push(us)
        line.push(`${p.label} ${us.toFixed(0)} µs`)
      }
      console.log(`round ${round + 1}: ${line.join(', ')} per write`)
    }
    const zero = perWrite.get(ZERO) ?? []
    const median = (v: number[]) => quantile(v, 0.5).toFixed(0)
    console.log(`${writes} writes per phase; PDS workerd CPU per write, median of the rounds:`)
    for (const p of phases) {
      const own = perWrite.get(p) ?? []
      const extra =
        p === ZERO
          ? ''
          : `; less 0 subscribers, paired by round: ${median(own.map((v, i) => v - (zero[i] ?? 0)))} µs/event`
      console.log(`  ${p.label}: ${median(own)} µs/write${extra}`)
    }
  } finally {
    await server.stop()
  }
}

await main()
