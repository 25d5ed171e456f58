import type { ShardLoad } from '../sequencer'
import type { SubscriberSocket } from './shard-pump'

/**
 * One shard's sockets for the status page: counts only. Client keys go to the sequencer
 * alone, which places sockets by them (shardLoad below).
 */
export type ShardFigures = {
  sockets: number
  /** Distinct client addresses (an IPv6 client counted by its /64). */
  clients: number
  live: number
  backfill: number
  /** Sockets cut off with ConsumerTooSlow since the shard last woke (not kept across evictions). */
  cutOff: number
}

/** Counts a shard's open sockets by client and phase. */
export function shardFigures(sockets: readonly SubscriberSocket[], cutOff: number): ShardFigures {
  const live = sockets.filter((s) => s.state.phase === 'live').length
  return {
    sockets: sockets.length,
    clients: new Set(sockets.map((s) => s.client)).size,
    live,
    backfill: sockets.length - live,
    cutOff,
  }
}

/** What the shard tells the sequencer it holds: sockets, and its clients' keys in order. */
export function shardLoad(sockets: readonly SubscriberSocket[]): ShardLoad {
  return { sockets: sockets.length, clients: [...new Set(sockets.map((s) => s.client))].sort() }
}
