import { Worker } from 'node:worker_threads'
import type { WriteOptions, WriteSample, WriteTarget } from './writer'

/** What the worker is told to do. */
export type WriterJob = Omit<WriteOptions, 'onWrite'> & { target: WriteTarget }

/** What the worker reports: each write as it completes, then the end. */
export type WriterMessage = { type: 'sample'; sample: WriteSample } | { type: 'done' }

/**
 * `runWrites` on a worker thread. With hundreds of subscriber sockets the main thread's
 * event loop is busy decoding frames, and a response waiting behind them would count as
 * write latency; on its own thread the writer reads its responses as they arrive. The two
 * threads still share the machine's cores. `onWrite` runs on the main thread.
 */
export function runWritesOffThread(target: WriteTarget, opts: WriteOptions): Promise<WriteSample[]> {
  const job: WriterJob = {
    target: { baseUrl: target.baseUrl, did: target.did, token: target.token },
    count: opts.count,
    concurrency: opts.concurrency,
    label: opts.label,
    recordBytes: opts.recordBytes,
  }
  return new Promise((resolve, reject) => {
    const samples: WriteSample[] = []
    const worker = new Worker(new URL('./writer-worker.mjs', import.meta.url), { workerData: job })
    worker.on('message', (m: WriterMessage) => {
      if (m.type === 'sample') {
        samples.push(m.sample)
        opts.onWrite?.(m.sample)
      } else resolve(samples)
    })
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the writer thread exited with code ${code}`))
    })
  })
}
