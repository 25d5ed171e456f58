import type { ScenarioResult } from './result-types'

/** CPU the fan-out cost, per frame per socket, from one scenario's two phases. */
export type FanoutCost = {
  scenario: string
  frames: number
  sockets: number
  /** The PDS's workerd (Worker and Durable Objects), loaded − baseline, µs per frame per socket. */
  pdsWorkerdMicros: number
  /** Both workerd processes (with wrangler's dev proxy, which relays every frame locally). */
  allWorkerdMicros: number
}

/**
 * Fan-out CPU per frame per socket: the workerd CPU time of the loaded phase minus that of
 * its zero-subscriber baseline (the same writes just before, on the same server), divided
 * by frames × sockets. Read from /proc, so only this server's processes count, however
 * busy the machine is; it also charges the subscribers' share of the write path's
 * contention, so it overstates the shard's own cost if anything. Null without a baseline
 * or /proc figures.
 */
export function fanoutCost(s: ScenarioResult): FanoutCost | null {
  const base = s.baseline?.server
  const loaded = s.loaded.server
  const sockets = s.loaded.options.subscribers
  const frames = s.loaded.writes.ok
  if (!base || !loaded || sockets === 0 || frames === 0) return null
  const per = (seconds: number) => Math.round((seconds / (frames * sockets)) * 1e6 * 100) / 100
  return {
    scenario: s.name,
    frames,
    sockets,
    pdsWorkerdMicros: per(loaded.pdsWorkerdCpuSeconds - base.pdsWorkerdCpuSeconds),
    allWorkerdMicros: per(loaded.workerdCpuSeconds - base.workerdCpuSeconds),
  }
}
