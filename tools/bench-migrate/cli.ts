import { parseArgs } from 'node:util'
import { Agent, fetch } from 'undici'
import { freePort } from '../../test/e2e/harness/free-port'
import { serverLogTail, startLocalServer } from '../loadtest/local-server'
import { startMemorySampler } from '../loadtest/memory-sampler'
import { type HeapPeak, startHeapSampler } from './heap-sampler'
import { syntheticRepo } from './synthetic-repo'

const USAGE = `Usage: npm run bench:migrate [-- --sizes 5000,10000 --blobs 200]

  For each size: a fresh local PDS (wrangler dev, as npm start), a repo of that many records
  with --blobs image blobs built in memory with @atproto/repo, imported with importRepo while
  deactivated, then every blob uploaded. Prints records/s, the peak workerd RSS sampled from
  /proc and the PDS isolate's V8 heap read through wrangler's inspector (live after a forced
  collection, used, reserved). Targets: at least 1,000 records/s; memory not growing with the
  CAR's size.`

const TARGET_RECORDS_PER_SEC = 1_000
const CALL_TIMEOUT_MS = 120_000

type Run = {
  records: number
  carMiB: number
  importSec: number
  blobSec: number
  startMiB: number
  /** Peak workerd RSS during importRepo alone, and during the blob uploads after it. */
  peakMiB: number
  blobPeakMiB: number
  /** The PDS isolate's V8 heap during importRepo (inspector). */
  heap: HeapPeak
}

async function runOne(records: number, blobs: number): Promise<Run> {
  const inspectorPort = await freePort()
  const server = await startLocalServer({ inspectorPort })
  // Connections of its own, opened at the first call: a large repo takes long enough to build
  // that a pooled one left by the server's start checks is closed under that call.
  const dispatcher = new Agent()
  try {
    const { baseUrl, did, token, serverPgid } = server.target
    const repo = await syntheticRepo(did, records, blobs)
    const call = async (nsid: string, body: Uint8Array | string, type = 'application/json') => {
      const res = await fetch(`${baseUrl}/xrpc/${nsid}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': type },
        body,
        dispatcher,
        // A stuck request fails the run instead of stalling it.
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      }).catch((e: unknown) => {
        throw new Error(
          `${nsid}: ${String(e)} (${String((e as { cause?: unknown }).cause)}); the server's log ends:\n${serverLogTail(server)}`,
        )
      })
      if (!res.ok) throw new Error(`${nsid}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`)
      return res
    }
    await call('com.atproto.server.deactivateAccount', '{}')
    if (serverPgid === null) throw new Error('no local server process group to sample')
    const sampler = startMemorySampler(serverPgid, 100)
    const heapSampler = await startHeapSampler(inspectorPort, 100)
    const t0 = performance.now()
    await call('com.atproto.repo.importRepo', repo.car, 'application/vnd.ipld.car')
    const t1 = performance.now()
    const memory = sampler.stop()
    const heap = await heapSampler.stop()
    const blobSampler = startMemorySampler(serverPgid, 100)
    for (const blob of repo.blobs) await call('com.atproto.repo.uploadBlob', blob.bytes, 'image/png')
    const t2 = performance.now()
    const blobMemory = blobSampler.stop()
    const status = (await (
      await fetch(`${baseUrl}/xrpc/com.atproto.server.checkAccountStatus`, {
        headers: { authorization: `Bearer ${token}` },
        dispatcher,
      })
    ).json()) as { indexedRecords: number; expectedBlobs: number; importedBlobs: number }
    if (
      status.indexedRecords !== records ||
      status.importedBlobs !== blobs ||
      status.expectedBlobs !== blobs
    ) {
      throw new Error(`after the import: ${JSON.stringify(status)}`)
    }
    return {
      records,
      carMiB: repo.car.byteLength / 2 ** 20,
      importSec: (t1 - t0) / 1000,
      blobSec: (t2 - t1) / 1000,
      startMiB: memory.startWorkerdRssMiB,
      peakMiB: memory.peakWorkerdRssMiB,
      blobPeakMiB: blobMemory.peakWorkerdRssMiB,
      heap,
    }
  } finally {
    await dispatcher.close()
    await server.stop()
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '5000,10000' },
      blobs: { type: 'string', default: '200' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const sizes = values.sizes.split(',').map(Number)
  const blobs = Number(values.blobs)
  const runs: Run[] = []
  for (const size of sizes) {
    process.stderr.write(`importing ${size} records and ${blobs} blobs into a fresh local PDS…\n`)
    runs.push(await runOne(size, blobs))
  }
  console.log(
    '| Records | CAR (MiB) | importRepo (s) | Records/s | Blob uploads (s) | workerd RSS start → peak in importRepo (MiB) | V8 heap peak in importRepo: live after GC / used / reserved (MiB) | Peak in blob uploads (MiB) |',
  )
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |')
  for (const r of runs) {
    console.log(
      `| ${r.records} | ${r.carMiB.toFixed(2)} | ${r.importSec.toFixed(2)} | ${Math.round(r.records / r.importSec)} | ${r.blobSec.toFixed(2)} | ${r.startMiB.toFixed(0)} → ${r.peakMiB.toFixed(0)} | ${r.heap.liveMiB.toFixed(0)} / ${r.heap.usedMiB.toFixed(0)} / ${r.heap.totalMiB.toFixed(0)} | ${r.blobPeakMiB.toFixed(0)} |`,
    )
  }
  const slowest = Math.min(...runs.map((r) => r.records / r.importSec))
  console.log(
    `target ≥ ${TARGET_RECORDS_PER_SEC} records/s: ${slowest >= TARGET_RECORDS_PER_SEC ? 'met' : 'missed'} (slowest ${Math.round(slowest)})`,
  )
  const [small, large] = [runs[0], runs.at(-1)]
  if (small && large && small !== large) {
    const growth = large.peakMiB - large.startMiB - (small.peakMiB - small.startMiB)
    console.log(
      `importRepo peak above start: ${(small.peakMiB - small.startMiB).toFixed(0)} MiB at ${small.records} records, ${(large.peakMiB - large.startMiB).toFixed(0)} MiB at ${large.records} (CAR ${small.carMiB.toFixed(1)} → ${large.carMiB.toFixed(1)} MiB; difference ${growth.toFixed(0)} MiB)`,
    )
    console.log(
      `importRepo live heap after a collection: ${small.heap.liveMiB.toFixed(0)} MiB at ${small.records} records, ${large.heap.liveMiB.toFixed(0)} MiB at ${large.records} (difference ${Math.round(large.heap.liveMiB - small.heap.liveMiB) || 0} MiB)`,
    )
  }
  return 0
}

process.exitCode = await main()
