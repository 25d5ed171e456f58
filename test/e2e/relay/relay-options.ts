import type { PingOptions } from './relay-socket'

/** How one simulated relay behaves. */
export type RelayOptions = PingOptions & {
  name: string
  /** The PDS origin, `http://localhost:<port>`; the stream is its `ws://` twin. */
  baseUrl: string
  /** The one account this PDS hosts. */
  did: string
  /** Cursor of the first dial: `0` replays the whole window, undefined streams live only. */
  cursor?: number
  reconnectDelayMs: number
  /** Dials failing in a row before the host counts as offline (indigo: 15). */
  maxDialFailures: number
  /** Test hook: a commit seq to lose as if its frame never arrived, to exercise a resync. */
  loseCommit?: (seq: number) => boolean
}

/** Relay defaults for tests: indigo's behaviour with a 1 s ping instead of 30 s. */
export const TEST_RELAY_DEFAULTS = {
  pingIntervalMs: 1_000,
  pongTimeoutMs: 15_000,
  reconnectDelayMs: 250,
  maxDialFailures: 400,
} satisfies Partial<RelayOptions>

/** An event as the relay processed it; `commit` is set for a `#commit` that passed its checks. */
export type SeenEvent = { seq: number; type: string; commit?: string }

/** What a relay counted, for the summary lines and a few assertions. */
export class RelayCounters {
  frames = 0
  maxFrameBytes = 0
  commits = 0
  verifiedCommits = 0
  ops = 0
  maxBlocksBytes = 0
  maxOps = 0
  stale = 0
  lost = 0
  pongs = 0
  connections = 0
  readonly infos: string[] = []

  frame(size: number): void {
    this.frames += 1
    this.maxFrameBytes = Math.max(this.maxFrameBytes, size)
  }

  commit(blocksBytes: number, ops: number): void {
    this.commits += 1
    this.maxBlocksBytes = Math.max(this.maxBlocksBytes, blocksBytes)
    this.maxOps = Math.max(this.maxOps, ops)
  }

  verified(ops: number): void {
    this.verifiedCommits += 1
    this.ops += ops
  }

  /** One line: frames, commits verified, ops, largest frame and slice, pongs (given: some are live), reconnects. */
  summary(pongs: number): string {
    return [
      `${this.frames} frames (max ${this.maxFrameBytes} B)`,
      `${this.verifiedCommits}/${this.commits} commits chained+inverted, ${this.ops} ops (max ${this.maxOps}/commit)`,
      `max blocks ${this.maxBlocksBytes} B`,
      `${pongs} pongs`,
      `${this.connections} connection(s) closed by the server`,
    ].join(', ')
  }
}
