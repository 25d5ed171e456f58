import { runPhase } from './phase'
import type { Progress } from './progress'
import type { PhaseOptions, ScenarioResult } from './result-types'
import { ratio } from './stats'
import type { Target } from './target'
import { checkTargets } from './targets'
import { runWrites } from './writer'

/** How the baseline is taken, for the report. */
export const BASELINE_METHOD =
  'Same server, immediately before the loaded phase: the same writes and writers with zero ' +
  'subscribers. The repo is then slightly larger during the loaded phase, which if anything ' +
  'overstates the cost of the subscribers.'

/**
 * Writes that are not measured, so that the first measured phase does not pay for
 * starting the Durable Objects and compiling the hot paths.
 */
export async function warmUp(target: Target, writes: number, progress: Progress): Promise<void> {
  progress.step(`warming up: ${writes} unmeasured writes`)
  const samples = await runWrites(target, { count: writes, concurrency: 1, label: 'loadtest warm-up' })
  const failed = samples.find((s) => s.error !== undefined)
  if (failed) throw new Error(`warm-up write failed: ${failed.error}`)
}

/**
 * A scenario: with subscribers, a zero-subscriber baseline of the same writes right
 * before the loaded phase (see BASELINE_METHOD); without, the loaded phase is the baseline.
 */
export async function runScenario(
  name: string,
  target: Target,
  o: Omit<PhaseOptions, 'label'>,
  progress: Progress,
): Promise<ScenarioResult> {
  const baseline =
    o.subscribers > 0
      ? await runPhase(
          target,
          { ...o, label: `${name} baseline`, subscribers: 0, slow: 0, stalled: 0 },
          progress,
        )
      : null
  const loaded = await runPhase(target, { ...o, label: name }, progress)
  const latencyRatio = baseline
    ? {
        p50: ratio(loaded.writes.latency.p50, baseline.writes.latency.p50),
        p95: ratio(loaded.writes.latency.p95, baseline.writes.latency.p95),
        p99: ratio(loaded.writes.latency.p99, baseline.writes.latency.p99),
      }
    : null
  const partial = { name, baseline, loaded, latencyRatio }
  return { ...partial, targets: checkTargets(partial) }
}
