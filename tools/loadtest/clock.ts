import { performance } from 'node:perf_hooks'

/**
 * Milliseconds since the epoch with sub-millisecond resolution. Unlike `performance.now()`,
 * whose origin is each thread's start, it compares across worker threads: the writer runs
 * on one, the subscribers on the main thread.
 */
export const now = (): number => performance.timeOrigin + performance.now()
