import { readdirSync, readFileSync } from 'node:fs'

/** A live (not zombie) process as `/proc/<pid>/stat` shows it. */
export type ProcessInfo = { pid: number; pgid: number; comm: string; state: string }

/** Every process on the machine that has not exited yet (zombies excluded). */
export function liveProcesses(): ProcessInfo[] {
  const out: ProcessInfo[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8')
    } catch {
      continue // exited while we looked
    }
    // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses, so split at the last ')'.
    const close = stat.lastIndexOf(')')
    const comm = stat.slice(stat.indexOf('(') + 1, close)
    const [state, , pgrp] = stat.slice(close + 2).split(' ')
    if (!state || state === 'Z' || state === 'X') continue
    out.push({ pid: Number(name), pgid: Number(pgrp), comm, state })
  }
  return out
}

/** The live members of process group `pgid`. */
export const groupMembers = (pgid: number): ProcessInfo[] => liveProcesses().filter((p) => p.pgid === pgid)

/** Sends `signal` to every process of the group; a group that is already gone is fine. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e
  }
}

/** Polls until the group has no live member; false if some are still there after `timeoutMs`. */
export async function waitGroupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (groupMembers(pgid).length > 0) {
    if (Date.now() > deadline) return false
    await new Promise((r) => setTimeout(r, 100))
  }
  return true
}

/**
 * Stops a process group: SIGTERM and a grace period, then SIGKILL. Throws if anything
 * survives, naming it, so an orphaned workerd fails the run instead of lingering.
 */
export async function stopGroup(pgid: number, graceMs = 10_000): Promise<void> {
  signalGroup(pgid, 'SIGTERM')
  if (await waitGroupGone(pgid, graceMs)) return
  signalGroup(pgid, 'SIGKILL')
  if (await waitGroupGone(pgid, graceMs)) return
  const left = groupMembers(pgid).map((p) => `${p.pid} ${p.comm}`)
  throw new Error(`process group ${pgid} survived SIGKILL: ${left.join(', ')}`)
}
