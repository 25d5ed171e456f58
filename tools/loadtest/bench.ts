// `npm run bench`: the fixed firehose benchmark suite on one fresh local PDS, written to
// bench-results/bench-<time>/ (report.json, report.html, summary.md for the README table).
// Sized to finish in 3–5 minutes on 2 cores: 1,000 writes per phase, slow subscribers at
// 10 frames/s, 10 s of drain before lagging subscribers are released.

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
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

type BenchScenario = { name: string } & Pick<PhaseOptions, 'subscribers' | 'slow' | 'stalled' | 'concurrency'>

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
]

async function main(): Promise<number> {
  const progress = createProgress()
  const machine = machineInfo()
  const startedAt = new Date()
  const t0 = performance.now()
  const out = defaultOutDir('bench', startedAt)
  const { scenarios, server } = await withTarget(
    { url: null, token: null, shards: null, keepDir: false },
    progress,
    async (target) => {
      await warmUp(target, WARMUP, progress)
      const scenarios: ScenarioResult[] = []
      for (const [i, s] of BENCH_SCENARIOS.entries()) {
        progress.step(`scenario ${i + 1}/${BENCH_SCENARIOS.length}: ${s.name}`)
        scenarios.push(await runScenario(s.name, target, { ...COMMON, ...s }, progress))
      }
      return { scenarios, server: target.description }
    },
  )
  const report: Report = {
    tool: 'edge-pds loadtest',
    kind: 'bench',
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((performance.now() - t0) / 1000),
    machine: finishMachineInfo(machine),
    server: `${server}; one server for the whole suite`,
    baselineMethod: BASELINE_METHOD,
    scenarios,
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
