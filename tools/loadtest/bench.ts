// `npm run bench`: the platform probe (tools/probe) and the fixed firehose suite on one
// fresh local PDS, written to bench-results/bench-<time>/ (report.json, report.html,
// summary.md for the README). First the probe's four shapes and the PDS's createRecord
// with the lean client (issue #14: undici, one keep-alive connection, 300 warm-up
// requests, median of three runs of 1,000), then the subscriber scenarios: 1,000 writes
// per phase, slow subscribers at 10 frames/s, 10 s of drain before lagging subscribers
// are released, and the 16 KB stress run. About 7–9 minutes on 2 cores.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fanoutCheck, probeRatioCheck } from './bench-targets'
import { fanoutCost } from './fanout-cost'
import { measurePdsLean, measureProbes, platformResult } from './platform'
import { createProgress } from './progress'
import { writeReportFiles } from './report-files'
import { summaryMarkdown } from './report-summary'
import { reportText } from './report-text'
import type { PhaseOptions, Report, ScenarioResult } from './result-types'
import { defaultOutDir, finishMachineInfo, machineInfo, withTarget } from './run-context'
import { BASELINE_METHOD, runScenario, warmUp } from './scenario'

const WRITES = 1_000
const WARMUP = 50
const COMMON = { writes: WRITES, slowRate: 10, drainTimeoutMs: 10_000 }

type BenchScenario = { name: string } & Pick<
  PhaseOptions,
  'subscribers' | 'slow' | 'stalled' | 'concurrency' | 'recordBytes'
>

/** The scenario the fan-out CPU per frame per socket is read from (no slow or stalled reader). */
const FANOUT_SCENARIO = '100 subscribers, all healthy'

/** The suite, in run order. Every scenario with subscribers gets its own baseline right before it. */
export const BENCH_SCENARIOS: BenchScenario[] = [
  { name: 'write-only, 1 writer', subscribers: 0, slow: 0, stalled: 0, concurrency: 1 },
  { name: 'write-only, 4 writers', subscribers: 0, slow: 0, stalled: 0, concurrency: 4 },
  { name: '10 subscribers, 10% slow', subscribers: 10, slow: 1, stalled: 0, concurrency: 1 },
  { name: '100 subscribers, all healthy', subscribers: 100, slow: 0, stalled: 0, concurrency: 1 },
  { name: '100 subscribers, 10% slow', subscribers: 100, slow: 10, stalled: 0, concurrency: 1 },
  { name: '100 subscribers, 10% stalled', subscribers: 100, slow: 0, stalled: 10, concurrency: 1 },
  { name: '100 subscribers, 10% slow, 4 writers', subscribers: 100, slow: 10, stalled: 0, concurrency: 4 },
  { name: '1,000 subscribers, 10% slow', subscribers: 1000, slow: 100, stalled: 0, concurrency: 1 },
  {
    name: '16 KB records, 100 subscribers, 10% stalled',
    subscribers: 100,
    slow: 0,
    stalled: 10,
    concurrency: 1,
    recordBytes: 16 * 1024,
  },
]

async function main(): Promise<number> {
  const progress = createProgress()
  const machine = machineInfo()
  const startedAt = new Date()
  const t0 = performance.now()
  const out = defaultOutDir('bench', startedAt)
  const probes = await measureProbes(progress)
  const { scenarios, server, pds } = await withTarget(
    { url: null, token: null, shards: null, keepDir: false },
    progress,
    async (target) => {
      await warmUp(target, WARMUP, progress)
      const pds = await measurePdsLean(target, progress)
      const scenarios: ScenarioResult[] = []
      for (const [i, s] of BENCH_SCENARIOS.entries()) {
        progress.step(`scenario ${i + 1}/${BENCH_SCENARIOS.length}: ${s.name}`)
        scenarios.push(await runScenario(s.name, target, { ...COMMON, ...s }, progress))
      }
      return { scenarios, server: target.description, pds }
    },
  )
  const platform = platformResult(probes, pds)
  const fanoutScenario = scenarios.find((s) => s.name === FANOUT_SCENARIO)
  const fanout = fanoutScenario ? fanoutCost(fanoutScenario) : null
  const report: Report = {
    tool: 'edge-pds loadtest',
    kind: 'bench',
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((performance.now() - t0) / 1000),
    machine: finishMachineInfo(machine),
    server: `${server}; one server for the whole suite`,
    baselineMethod: BASELINE_METHOD,
    scenarios,
    platform,
    fanout,
    benchTargets: [probeRatioCheck(platform), fanoutCheck(fanout)],
  }
  const files = writeReportFiles(out, report)
  const summary = join(out, 'summary.md')
  writeFileSync(summary, `${summaryMarkdown(report)}\n`)
  process.stdout.write(`\n${reportText(report)}\n\n${summaryMarkdown(report)}\n\n`)
  process.stdout.write(`report: ${files.html}\n        ${files.json}\n        ${summary}\n`)
  return 0
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  },
)
