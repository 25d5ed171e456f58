import { CdpClient } from '../profile/cdp-client'

/**
 * The isolate's V8 heap, MiB: the most it held (garbage included), what it reserved, and
 * the most it still held right after a forced collection (what the import retains).
 */
export type HeapPeak = { usedMiB: number; totalMiB: number; liveMiB: number }

const MIB = 2 ** 20

/**
 * Samples the PDS isolate's V8 heap through wrangler's inspector (`Runtime.getHeapUsage`)
 * every `everyMs` until stopped, and on every `gcEvery`-th sample (the first included) after a forced collection
 * (`HeapProfiler.collectGarbage`): the heap, not the process's RSS, is what a Durable
 * Object's memory limit (128 MB on Cloudflare) is about, and under that limit V8 collects
 * long before it reserves what it does here, so the live figure is the one to compare.
 */
export async function startHeapSampler(inspectorPort: number, everyMs: number, gcEvery = 5) {
  const cdp = await CdpClient.connect(inspectorPort)
  const peak: HeapPeak = { usedMiB: 0, totalMiB: 0, liveMiB: 0 }
  const usage = () => cdp.send<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage')
  let running = true
  const loop = (async () => {
    for (let n = 1; running; n++) {
      const { usedSize, totalSize } = await usage()
      peak.usedMiB = Math.max(peak.usedMiB, usedSize / MIB)
      peak.totalMiB = Math.max(peak.totalMiB, totalSize / MIB)
      if (n % gcEvery === 1) {
        await cdp.send('HeapProfiler.collectGarbage')
        peak.liveMiB = Math.max(peak.liveMiB, (await usage()).usedSize / MIB)
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs))
    }
  })()
  // A run that fails before `stop` leaves the loop to end with the server's inspector.
  loop.catch(() => undefined)
  return {
    stop: async (): Promise<HeapPeak> => {
      running = false
      await loop
      cdp.close()
      return { ...peak }
    },
  }
}
