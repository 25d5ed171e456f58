import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { groupMembers } from '../../test/e2e/harness/process-group'

/** Resident memory and CPU time of the server's processes over one phase. */
export type ServerResources = {
  /** Highest sum of the workerd processes' RSS seen, in MiB. */
  peakWorkerdRssMiB: number
  /** Highest RSS of the whole process group (wrangler's node, esbuild, workerd), in MiB. */
  peakGroupRssMiB: number
  /** workerd RSS when the phase started, in MiB. */
  startWorkerdRssMiB: number
  /**
   * The PDS's own workerd alone (not wrangler's dev proxy, which buffers what it relays to
   * a client that does not read): RSS at the start and the highest seen, in MiB.
   */
  startPdsWorkerdRssMiB?: number
  peakPdsWorkerdRssMiB?: number
  /** CPU seconds (user + system) the workerd processes used during the phase. */
  workerdCpuSeconds: number
  /**
   * Of those, the PDS's own workerd (the Worker and every Durable Object), without the
   * one that runs wrangler's dev proxy in front of it.
   */
  pdsWorkerdCpuSeconds: number
  samples: number
  /** workerd RSS over the phase: milliseconds since its start, MiB. */
  series: { t: number; mib: number }[]
}

// Linux constants; `getconf PAGESIZE` and `getconf CLK_TCK` on x86-64 and arm64.
const PAGE_BYTES = 4096
export const TICKS_PER_SECOND = 100
const MIB = 1024 * 1024

/** RSS in bytes and CPU ticks (utime + stime) of a process, from /proc; null once it exited. */
function readProc(pid: number): { rss: number; ticks: number } | null {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after `(comm)`: state is field 3, utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { rss: Number(statm[1]) * PAGE_BYTES, ticks: Number(fields[11]) + Number(fields[12]) }
  } catch {
    return null
  }
}

/** CPU ticks (user + system) used so far by the live processes of group `pgid`. */
export function groupCpuTicks(pgid: number): number {
  let ticks = 0
  for (const p of groupMembers(pgid)) ticks += readProc(p.pid)?.ticks ?? 0
  return ticks
}

/**
 * Whether a workerd runs the user's Worker rather than wrangler's dev proxy: wrangler
 * starts the proxy on the configured port and the Worker's on port 0 with an inspector.
 */
export function isUserWorkerd(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return cmdline.includes('--inspector-addr') || /--socket-addr=entry=[^\0]*:0(\0|$)/.test(cmdline)
  } catch {
    return false
  }
}

/** RSS sums and each workerd's CPU ticks, by pid (a restarted workerd has a new pid). */
function snapshot(pgid: number) {
  let workerdRss = 0
  let pdsRss = 0
  let groupRss = 0
  const workerdTicks = new Map<number, number>()
  const userWorkerds = new Set<number>()
  for (const p of groupMembers(pgid)) {
    const proc = readProc(p.pid)
    if (!proc) continue
    groupRss += proc.rss
    if (p.comm === 'workerd') {
      workerdRss += proc.rss
      workerdTicks.set(p.pid, proc.ticks)
      if (isUserWorkerd(p.pid)) {
        userWorkerds.add(p.pid)
        pdsRss += proc.rss
      }
    }
  }
  return { workerdRss, pdsRss, groupRss, workerdTicks, userWorkerds }
}

/**
 * Samples the local server's process group every `intervalMs` until `stop()`, which
 * returns the peaks. The process list is read from /proc on each sample, so a workerd
 * that restarts mid-run is still counted; CPU adds up what each workerd used while
 * sampled (up to its last sample, for one that exited).
 */
export function startMemorySampler(pgid: number, intervalMs = 200): { stop: () => ServerResources } {
  const t0 = performance.now()
  const first = snapshot(pgid)
  const series: { t: number; mib: number }[] = []
  let peakWorkerd = first.workerdRss
  let peakPds = first.pdsRss
  let peakGroup = first.groupRss
  const startTicks = new Map(first.workerdTicks)
  const lastTicks = new Map(first.workerdTicks)
  const userWorkerds = new Set(first.userWorkerds)
  const sample = () => {
    const now = snapshot(pgid)
    for (const pid of now.userWorkerds) userWorkerds.add(pid)
    peakWorkerd = Math.max(peakWorkerd, now.workerdRss)
    peakPds = Math.max(peakPds, now.pdsRss)
    peakGroup = Math.max(peakGroup, now.groupRss)
    for (const [pid, ticks] of now.workerdTicks) {
      if (!startTicks.has(pid)) startTicks.set(pid, 0) // started during the phase
      lastTicks.set(pid, ticks)
    }
    series.push({ t: Math.round(performance.now() - t0), mib: round(now.workerdRss / MIB) })
  }
  const timer = setInterval(sample, intervalMs)
  return {
    stop: () => {
      clearInterval(timer)
      sample()
      let ticks = 0
      let userTicks = 0
      for (const [pid, last] of lastTicks) {
        const used = last - (startTicks.get(pid) ?? 0)
        ticks += used
        if (userWorkerds.has(pid)) userTicks += used
      }
      return {
        peakWorkerdRssMiB: round(peakWorkerd / MIB),
        peakGroupRssMiB: round(peakGroup / MIB),
        startWorkerdRssMiB: round(first.workerdRss / MIB),
        startPdsWorkerdRssMiB: round(first.pdsRss / MIB),
        peakPdsWorkerdRssMiB: round(peakPds / MIB),
        workerdCpuSeconds: round(ticks / TICKS_PER_SECOND),
        pdsWorkerdCpuSeconds: round(userTicks / TICKS_PER_SECOND, 2),
        samples: series.length,
        series,
      }
    },
  }
}

const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits
