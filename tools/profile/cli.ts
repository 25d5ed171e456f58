// `npm run profile:writes`: sequential createRecord against a fresh local `wrangler dev`
// (started as `npm start` does, from a copy of the source), with the CPU read from /proc
// and a V8 CPU profile of the PDS's isolate taken through wrangler's inspector.
//   --writes N   measured and profiled writes (300)   --warmup N   writes first (200)
//   --out DIR    where the summary and the .cpuprofile go (bench-results/profile)
//   --source DIR profile another checkout (with src/ and the config files; this node_modules)

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { freePort } from '../../test/e2e/harness/free-port'
import { createPdsIdentity } from '../../test/e2e/harness/pds-identity'
import { spawnPds } from '../../test/e2e/harness/pds-process'
import { stopGroup } from '../../test/e2e/harness/process-group'
import { snapshotSource, sourceVersion } from '../loadtest/source-snapshot'
import { CdpClient } from './cdp-client'
import { cpuBetween, groupCpu, type ProcessCpu } from './proc-cpu'
import { type CpuProfile, renderSummary, summarise, withOriginalFrames } from './profile-summary'
import { bundleResolver } from './source-maps'
import { quantile, sequentialWrites, type WriteRun } from './write-driver'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Sampling interval of the CPU profile, µs (V8's default is 1000). */
const SAMPLING_US = 250

function runLine(label: string, run: WriteRun): string {
  const rate = (run.writes * 1000) / run.elapsedMs
  return `${label}: ${run.writes} writes, ${rate.toFixed(1)} writes/s, p50 ${quantile(run.latenciesMs, 0.5).toFixed(2)} ms, p99 ${quantile(run.latenciesMs, 0.99).toFixed(2)} ms`
}

function cpuLines(cpu: ProcessCpu[], writes: number): string[] {
  return cpu
    .filter((p) => p.cpuMs > 0)
    .map((p) => `  ${(p.cpuMs / writes).toFixed(2).padStart(6)} ms/write  ${p.comm} (pid ${p.pid})`)
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      writes: { type: 'string', default: '300' },
      warmup: { type: 'string', default: '200' },
      out: { type: 'string', default: join(ROOT, 'bench-results', 'profile') },
      source: { type: 'string', default: ROOT },
    },
  })
  const writes = Number(values.writes)
  const warmup = Number(values.warmup)
  const dir = mkdtempSync(join(tmpdir(), 'edge-pds-profile-'))
  let pgid: number | null = null
  try {
    const source = values.source
    const version = sourceVersion(source)
    const app = snapshotSource(source, join(dir, 'app'))
    const id = await createPdsIdentity(dir, await freePort())
    const inspectorPort = await freePort()
    pgid = await spawnPds(id, {
      cwd: app,
      log: join(dir, 'wrangler.log'),
      extraArgs: ['--inspector-port', String(inspectorPort)],
    })
    const target = { baseUrl: id.baseUrl, did: id.did, token: id.authToken }

    const warm = await sequentialWrites(target, warmup)
    const before = groupCpu(pgid)
    const measured = await sequentialWrites(target, writes)
    const cpu = cpuBetween(before, groupCpu(pgid))

    const cdp = await CdpClient.connect(inspectorPort)
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.setSamplingInterval', { interval: SAMPLING_US })
    await cdp.send('Profiler.start')
    const profiled = await sequentialWrites(target, writes)
    const { profile } = await cdp.send<{ profile: CpuProfile }>('Profiler.stop')
    cdp.close()

    const resolve = bundleResolver(app)
    const summary = summarise(profile, resolve)
    const report = [
      `edge-pds write profile: ${version}, ${new Date().toISOString()}`,
      runLine('warm-up', warm),
      runLine('measured (no profiler)', measured),
      'CPU per write from /proc during the measured run:',
      ...cpuLines(cpu, writes),
      runLine('profiled', profiled),
      '',
      renderSummary(summary, writes),
    ].join('\n')
    mkdirSync(values.out, { recursive: true })
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    writeFileSync(join(values.out, `writes-${stamp}.txt`), `${report}\n`)
    writeFileSync(
      join(values.out, `writes-${stamp}.cpuprofile`),
      JSON.stringify(withOriginalFrames(profile, resolve)),
    )
    console.log(report)
    console.log(`\nwritten to ${join(values.out, `writes-${stamp}.txt`)} (and .cpuprofile for DevTools)`)
  } finally {
    if (pgid !== null) await stopGroup(pgid)
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
