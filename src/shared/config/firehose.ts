import { ok } from '../result'
import type { RawSettings } from './index'
import { allOk, type ConfigResult, numberSetting, positiveInteger } from './values'

/** The settings `parseFirehoseLimits` reads. */
export type FirehoseSettings = Pick<
  RawSettings,
  | 'FIREHOSE_MAX_SOCKETS_PER_IP'
  | 'FIREHOSE_MAX_SOCKETS_PER_SHARD'
  | 'FIREHOSE_SOCKET_BYTES_PER_SEC'
  | 'FIREHOSE_SOCKET_BURST_BYTES'
  | 'FIREHOSE_SLOW_GRACE_SECONDS'
  | 'FIREHOSE_SHARD_FILL'
>

/** What one client may cost a subscriber shard (see the policy in `shard-pump.ts`). */
export type FirehoseLimits = {
  /** Open `subscribeRepos` sockets per client address (an IPv6 client counts by its /64). */
  maxSocketsPerClient: number
  /** Open sockets per subscriber shard. */
  maxSocketsPerShard: number
  /** Bytes per second one client's sockets are sent, together: the drain rate presumed of a healthy reader. */
  clientBytesPerSec: number
  /** Bytes one client may be sent at once above that rate. */
  clientBurstBytes: number
  /** How long a socket may stay behind while held back by its rate before ConsumerTooSlow, in ms. */
  slowGraceMs: number
  /**
   * Sockets a subscriber shard takes before new clients go to the next one (see
   * shard-placement.ts): room for every client placed there to reach its own cap.
   */
  shardFill: number
}

/** The default fill: a shard full but for one client's worth of sockets. */
const defaultFill = (perShard: number, perClient: number): number => Math.max(1, perShard - perClient)

export const DEFAULT_FIREHOSE_LIMITS: FirehoseLimits = {
  maxSocketsPerClient: 100,
  maxSocketsPerShard: 1_000,
  clientBytesPerSec: 2 * 1024 * 1024,
  clientBurstBytes: 4 * 1024 * 1024,
  slowGraceMs: 10_000,
  shardFill: defaultFill(1_000, 100),
}

/** Parses the firehose's abuse limits; each falls back to its default when unset. */
export function parseFirehoseLimits(env: FirehoseSettings): ConfigResult<FirehoseLimits> {
  const d = DEFAULT_FIREHOSE_LIMITS
  const sockets = 'a positive whole number of sockets'
  const parts = allOk({
    perClient: numberSetting(
      'FIREHOSE_MAX_SOCKETS_PER_IP',
      env.FIREHOSE_MAX_SOCKETS_PER_IP,
      d.maxSocketsPerClient,
      positiveInteger,
      sockets,
    ),
    perShard: numberSetting(
      'FIREHOSE_MAX_SOCKETS_PER_SHARD',
      env.FIREHOSE_MAX_SOCKETS_PER_SHARD,
      d.maxSocketsPerShard,
      positiveInteger,
      sockets,
    ),
    rate: numberSetting(
      'FIREHOSE_SOCKET_BYTES_PER_SEC',
      env.FIREHOSE_SOCKET_BYTES_PER_SEC,
      d.clientBytesPerSec,
      positiveInteger,
      'a positive whole number of bytes per second',
    ),
    burst: numberSetting(
      'FIREHOSE_SOCKET_BURST_BYTES',
      env.FIREHOSE_SOCKET_BURST_BYTES,
      d.clientBurstBytes,
      positiveInteger,
      'a positive whole number of bytes',
    ),
    grace: numberSetting(
      'FIREHOSE_SLOW_GRACE_SECONDS',
      env.FIREHOSE_SLOW_GRACE_SECONDS,
      d.slowGraceMs / 1000,
      (n) => n > 0,
      'a positive number of seconds',
    ),
    fill: numberSetting(
      'FIREHOSE_SHARD_FILL',
      env.FIREHOSE_SHARD_FILL,
      0, // 0: derived from the caps below
      positiveInteger,
      sockets,
    ),
  })
  if (!parts.ok) return parts
  const p = parts.value
  return ok({
    maxSocketsPerClient: p.perClient,
    maxSocketsPerShard: p.perShard,
    clientBytesPerSec: p.rate,
    clientBurstBytes: p.burst,
    slowGraceMs: Math.round(p.grace * 1000),
    // More than a shard may hold would only have new clients refused before the next shard.
    shardFill: p.fill === 0 ? defaultFill(p.perShard, p.perClient) : Math.min(p.fill, p.perShard),
  })
}
