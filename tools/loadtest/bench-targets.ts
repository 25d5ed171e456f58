import type { FanoutCost } from './fanout-cost'
import type { PlatformResult } from './platform'
import type { TargetCheck } from './result-types'
import { above, check, fmt, TARGETS } from './targets'

/** The sequential createRecord against the sign-and-insert probe of the same run. */
export function probeRatioCheck(p: PlatformResult): TargetCheck {
  const goal = TARGETS.probeRatio
  const one = p.pds.find((f) => f.clients === 1)
  const r = p.ratioToSignInsert
  return check(
    'Sequential createRecord vs the sign-and-insert probe',
    `≥ ${goal}× (lean client, same run)`,
    r === null || !one ? 'not measured' : `${fmt(r, 2)}× (${fmt(one.perSecond)} writes/s)`,
    r === null
      ? 'not measured'
      : r >= goal
        ? null
        : `missed by ${fmt(goal - r, 2)}× (${fmt((r / goal) * 100, 0)}% of the target)`,
  )
}

/** Fan-out CPU per frame per socket in the PDS's workerd, from the all-healthy 100-subscriber scenario. */
export function fanoutCheck(f: FanoutCost | null): TargetCheck {
  const goal = TARGETS.fanoutMicros
  return check(
    'Fan-out CPU per frame per socket',
    `≤ ${goal} µs in the PDS's workerd`,
    f
      ? `${fmt(f.pdsWorkerdMicros, 2)} µs (${f.frames} frames × ${f.sockets} sockets, "${f.scenario}"; ${fmt(f.allWorkerdMicros, 2)} µs with wrangler's dev proxy)`
      : 'not measured',
    f ? above(f.pdsWorkerdMicros, goal, ' µs') : 'not measured',
  )
}
