// `npm run loadtest -- …`: one firehose load test against a fresh local PDS or a running one.
// Run with tsx (a devDependency) so the tool can import the e2e launcher and the PDS's own
// frame decoder, which are TypeScript, without a build step.

import { performance } from 'node:perf_hooks'
import { parseLoadtestArgs, USAGE, UsageError } from './cli-args'
import { createProgress } from './progress'
import { writeReportFiles } from './report-files'
import { reportText } from './report-text'
import type { Report } from './result-types'
import { defaultOutDir, finishMachineInfo, machineInfo, withTarget } from './run-context'
import { BASELINE_METHOD, runScenario, warmUp } from './scenario'

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parseLoadtestArgs>
  try {
    args = parseLoadtestArgs(argv)
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    process.stderr.write(`${e.message}\n\n${USAGE}\n`)
    return 2
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`)
    return 0
  }
  const opts = args
  const progress = createProgress()
  const machine = machineInfo()
  const startedAt = new Date()
  const t0 = performance.now()
  const { scenario, server } = await withTarget(opts, progress, async (target) => {
    if (opts.warmup > 0) await warmUp(target, opts.warmup, progress)
    const scenario = await runScenario('loadtest', target, opts, progress)
    return { scenario, server: target.description }
  })
  const report: Report = {
    tool: 'edge-pds loadtest',
    kind: 'loadtest',
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((performance.now() - t0) / 1000),
    machine: finishMachineInfo(machine),
    server,
    baselineMethod: scenario.baseline ? BASELINE_METHOD : 'No subscribers: the run is its own baseline.',
    scenarios: [scenario],
  }
  const files = writeReportFiles(opts.out ?? defaultOutDir('loadtest', startedAt), report)
  process.stdout.write(`\n${reportText(report)}\n\nreport: ${files.html}\n        ${files.json}\n`)
  return 0
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`loadtest failed: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  },
)
