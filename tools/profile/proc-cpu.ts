import { readFileSync } from 'node:fs'
import { groupMembers } from '../../test/e2e/harness/process-group'

/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100

export type ProcessCpu = { pid: number; comm: string; cpuMs: number }

/** User plus system CPU of every process of group `pgid`, from `/proc/<pid>/stat`. */
export function groupCpu(pgid: number): ProcessCpu[] {
  const out: ProcessCpu[] = []
  for (const p of groupMembers(pgid)) {
    try {
      const stat = readFileSync(`/proc/${p.pid}/stat`, 'utf8')
      // Fields after `comm`: state is field 3, utime 14 and stime 15 (1-based).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const ticks = Number(fields[11]) + Number(fields[12])
      out.push({ pid: p.pid, comm: p.comm, cpuMs: (ticks * 1000) / TICKS_PER_SECOND })
    } catch {
      // exited while we looked
    }
  }
  return out
}

/** CPU each process spent between two samples (processes present in both). */
export function cpuBetween(before: ProcessCpu[], after: ProcessCpu[]): ProcessCpu[] {
  return after
    .map((a) => ({ ...a, cpuMs: a.cpuMs - (before.find((b) => b.pid === a.pid)?.cpuMs ?? a.cpuMs) }))
    .sort((x, y) => y.cpuMs - x.cpuMs)
}
