// Worker-thread entry of `writer-thread.ts`: runs the writes and posts every sample back.

import { parentPort, workerData } from 'node:worker_threads'
import { runWrites } from './writer'
import type { WriterJob, WriterMessage } from './writer-thread'

const port = parentPort
if (!port) throw new Error('writer-worker.ts runs as a worker thread')
const { target, count, concurrency, label, recordBytes } = workerData as WriterJob
const post = (m: WriterMessage) => port.postMessage(m)
await runWrites(target, {
  count,
  concurrency,
  label,
  recordBytes,
  onWrite: (sample) => post({ type: 'sample', sample }),
})
post({ type: 'done' })
