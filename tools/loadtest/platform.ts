import { type LeanFigure, type LeanOptions, measureLean } from './lean-client'
import { PROBE_SHAPES, SIGN_INSERT, startProbe } from './probe-server'
import type { Progress } from './progress'
import type { Target } from './target'

/** The lean client's figures of one run: the probe's four shapes and the PDS's createRecord. */
export type PlatformResult = {
  probes: LeanFigure[]
  /** Sequential createRecord (one client), then four clients. */
  pds: LeanFigure[]
  /** One-client createRecord ÷ the sign-and-insert probe. */
  ratioToSignInsert: number | null
}

/** Issue #14: 300 warm-up requests, the median of three runs of 1,000. */
export const LEAN: Omit<LeanOptions, 'clients' | 'pgid'> = { warmup: 300, runs: 3, count: 1_000 }

/** Starts the probe Worker, measures its four shapes one after another, and stops it. */
export async function measureProbes(progress: Progress): Promise<LeanFigure[]> {
  progress.step('starting the platform probe (tools/probe, wrangler dev)')
  const probe = await startProbe()
  try {
    const out: LeanFigure[] = []
    for (const shape of PROBE_SHAPES) {
      progress.step(`lean client: ${shape.name}`)
      out.push(
        await measureLean(shape.name, probe.origin, shape.request, { ...LEAN, clients: 1, pgid: probe.pgid }),
      )
    }
    return out
  } finally {
    await probe.stop()
  }
}

const COLLECTION = 'app.bsky.feed.post'

/** The PDS's createRecord with the lean client: one client, then four. */
export async function measurePdsLean(target: Target, progress: Progress): Promise<LeanFigure[]> {
  let n = 0
  const request = {
    method: 'POST' as const,
    path: '/xrpc/com.atproto.repo.createRecord',
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    body: () =>
      JSON.stringify({
        repo: target.did,
        collection: COLLECTION,
        record: { $type: COLLECTION, text: `lean client #${n++}`, createdAt: new Date().toISOString() },
      }),
  }
  const out: LeanFigure[] = []
  for (const clients of [1, 4]) {
    const name = `PDS createRecord, ${clients} writer${clients > 1 ? 's' : ''}`
    progress.step(`lean client: ${name}`)
    out.push(await measureLean(name, target.baseUrl, request, { ...LEAN, clients, pgid: target.serverPgid }))
  }
  return out
}

/** Puts the two together with the ratio the target is about. */
export function platformResult(probes: LeanFigure[], pds: LeanFigure[]): PlatformResult {
  const signInsert = probes.find((p) => p.name === SIGN_INSERT)?.perSecond
  const one = pds.find((p) => p.clients === 1)?.perSecond
  const ratioToSignInsert =
    signInsert === undefined || one === undefined ? null : Math.round((one / signInsert) * 100) / 100
  return { probes, pds, ratioToSignInsert }
}
