import { parseArgs } from 'node:util'

/** Everything `npm run loadtest` can be told. */
export type LoadtestArgs = {
  subscribers: number
  slow: number
  stalled: number
  writes: number
  concurrency: number
  slowRate: number
  drainTimeoutMs: number
  warmup: number
  /** Bytes of filler per record (the bench's 16 KB stress run); undefined writes plain posts. */
  recordBytes?: number
  /** A running PDS to test instead of a fresh local one; needs `token`. */
  url: string | null
  token: string | null
  /** Subscriber shards of the local server (`SUBSCRIBER_SHARDS`); null keeps the default. */
  shards: number | null
  out: string | null
  keepDir: boolean
}

export const USAGE = `Usage: npm run loadtest -- [options]

Opens N firehose subscribers (K slow, S stalled), performs M createRecord writes with
C writers, and reports write latency and per-subscriber delivery, after a baseline of the
same writes with no subscribers on the same server.

  --subscribers N      firehose subscribers (default 10)
  --slow K             of those, reading --slow-rate frames/s (default 0)
  --stalled S          of those, not reading at all until the writes are drained (default 0)
  --writes M           createRecord calls per phase (default 200)
  --concurrency C      concurrent writers (default 1: sequential)
  --slow-rate R        frames per second a slow subscriber reads (default 20)
  --drain-timeout SEC  how long after the writes subscribers get to catch up (default 30)
  --warmup W           unmeasured writes before the first phase (default 20)
  --record-bytes B     write records of about B bytes (the bench's stress run uses 16384)
  --url URL            test a running PDS instead of starting a local one (needs --token)
  --token T            bearer token for writes (or env LOADTEST_TOKEN)
  --shards N           SUBSCRIBER_SHARDS of the local server (default: the server's, 8)
  --out DIR            where report.json and report.html go (default bench-results/loadtest-<time>)
  --keep-dir           keep the local server's temp directory (state and wrangler log)
  --help               this text`

/** A usage error: the CLI prints it with USAGE and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

function count(raw: string | undefined, name: string, fallback: number, min = 0): number {
  if (raw === undefined) return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, not "${raw}"`)
  return n
}

/** Parses the command line; throws UsageError on anything it does not understand. */
export function parseLoadtestArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): LoadtestArgs | 'help' {
  let values: ReturnType<typeof parse>['values']
  try {
    values = parse(argv).values
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  if (values.help) return 'help'
  const subscribers = count(values.subscribers, 'subscribers', 10)
  const slow = count(values.slow, 'slow', 0)
  const stalled = count(values.stalled, 'stalled', 0)
  if (slow + stalled > subscribers) throw new UsageError('--slow plus --stalled cannot exceed --subscribers')
  const url = values.url ?? null
  const token = values.token ?? env.LOADTEST_TOKEN ?? null
  if (url !== null && token === null) throw new UsageError('--url needs --token (or LOADTEST_TOKEN)')
  if (url !== null && !/^https?:\/\//.test(url))
    throw new UsageError('--url must start with http:// or https://')
  if (url !== null && values.shards !== undefined)
    throw new UsageError('--shards only applies to a local server')
  return {
    subscribers,
    slow,
    stalled,
    writes: count(values.writes, 'writes', 200, 1),
    concurrency: count(values.concurrency, 'concurrency', 1, 1),
    slowRate: count(values['slow-rate'], 'slow-rate', 20, 1),
    drainTimeoutMs: count(values['drain-timeout'], 'drain-timeout', 30, 1) * 1000,
    warmup: count(values.warmup, 'warmup', 20),
    ...(values['record-bytes'] === undefined
      ? {}
      : { recordBytes: count(values['record-bytes'], 'record-bytes', 0, 1) }),
    url,
    token: url === null ? null : token,
    shards: values.shards === undefined ? null : count(values.shards, 'shards', 8, 1),
    out: values.out ?? null,
    keepDir: values['keep-dir'] ?? false,
  }
}

function parse(argv: string[]) {
  const str = { type: 'string' } as const
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      subscribers: str,
      slow: str,
      stalled: str,
      writes: str,
      concurrency: str,
      'slow-rate': str,
      'drain-timeout': str,
      warmup: str,
      'record-bytes': str,
      url: str,
      token: str,
      shards: str,
      out: str,
      'keep-dir': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  })
}
