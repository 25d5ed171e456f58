import type { DeliveryCount } from './delivery-count'
import type { FanoutCost } from './fanout-cost'
import type { SubscriberClass } from './firehose-subscriber'
import type { ServerResources } from './memory-sampler'
import type { PlatformResult } from './platform'
import type { SeriesPoint, Summary } from './stats'

/** One phase: N subscribers connected, then M writes, then a bounded drain. */
export type PhaseOptions = {
  label: string
  subscribers: number
  /** Of `subscribers`, how many read slowly and how many not at all. */
  slow: number
  stalled: number
  writes: number
  concurrency: number
  /** Frames per second a slow subscriber processes. */
  slowRate: number
  /** How long after the last write healthy and slow subscribers get to receive everything. */
  drainTimeoutMs: number
  /** Pad each record to about this many bytes (a record of an unknown collection); default a short post. */
  recordBytes?: number
}

/** What one class of subscribers got. Lag is counted from the write's acknowledgement. */
export type ClassResult = {
  subscribers: number
  /** Subscribers that got every expected event exactly once and in order. */
  complete: number
  counts: DeliveryCount
  /** Acknowledgement → frame processed, over frames processed before the class was released. */
  lag: Summary
  /** Frames processed before the writer had read the write's response (counted as 0 ms lag). */
  beforeAck: number
  /** Request sent → frame processed: the whole pipeline, never negative. */
  lagFromRequest: Summary
  /** Lag from the request, by when the request was sent (ms since the first write). */
  lagSeries: SeriesPoint[]
  tooSlowDisconnects: number
  /** Other error frames, by name. */
  errorFrames: Record<string, number>
  invalidFrames: number
  /** Bytes of frames received, all subscribers of the class together. */
  bytes: number
  /** Connections the server closed before the tool did. */
  closedByServer: number
}

/** The writer's side of a phase. */
export type WriteResult = {
  attempted: number
  ok: number
  failed: number
  firstError: string | null
  durationMs: number
  perSecond: number
  latency: Summary
  /** Every successful write's latency in ms, in completion order (for histograms). */
  latencies: number[]
}

/** Everything measured in one phase. */
export type PhaseResult = {
  options: PhaseOptions
  connectMs: number
  writes: WriteResult
  /** Null when the phase had no subscribers. */
  delivery: {
    /** Seqs inside the range the subscribers saw that none of them got. */
    unseenSeqsInRange: number
    /** Time from the last write to every healthy and slow subscriber holding everything (or the timeout). */
    drainMs: number
    drained: boolean
    classes: Partial<Record<SubscriberClass, ClassResult>>
  } | null
  /** Null for a deployed PDS (nothing to sample). */
  server: ServerResources | null
  clientCpuSeconds: number
  /** Times the local server rebuilt during the phase (a source file changed); null when remote. */
  serverReloads: number | null
}

/** A target of issue #7, checked against one scenario's numbers. */
export type TargetCheck = {
  name: string
  goal: string
  measured: string
  /** Null when this scenario does not exercise the target. */
  met: boolean | null
  /** How far off a missed target is, in words. */
  shortfall: string | null
}

/** A scenario: a zero-subscriber baseline and the loaded phase, on the same server. */
export type ScenarioResult = {
  name: string
  baseline: PhaseResult | null
  loaded: PhaseResult
  /** Loaded write latency divided by the baseline's, per percentile. */
  latencyRatio: { p50: number | null; p95: number | null; p99: number | null } | null
  targets: TargetCheck[]
}

/** A whole report: the machine, the server, and one or more scenarios. */
export type Report = {
  tool: 'edge-pds loadtest'
  kind: 'loadtest' | 'bench'
  startedAt: string
  durationSeconds: number
  machine: {
    cpus: number
    cpuModel: string
    memoryGiB: number
    node: string
    loadAverageStart: number[]
    loadAverageEnd: number[]
  }
  server: string
  /** How the baseline was taken, in words. */
  baselineMethod: string
  scenarios: ScenarioResult[]
  /** The bench only: the platform probe and the lean client's createRecord, same run. */
  platform?: PlatformResult
  /** The bench only: fan-out CPU per frame per socket. */
  fanout?: FanoutCost | null
  /** The bench only: targets that span scenarios (probe ratio, fan-out CPU). */
  benchTargets?: TargetCheck[]
}
