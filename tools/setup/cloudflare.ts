import { spawn } from 'node:child_process'

/**
 * Every call that leaves the machine during setup and deploy: wrangler (Cloudflare) and the
 * PLC directory. `--dry-run` and the tests use the recording implementation, so the same
 * plan runs without a network or an account.
 */
export interface Operator {
  /** `wrangler secret put NAME`, the value on stdin (never on a command line). */
  putSecret(config: string, name: string, value: string): Promise<void>
  /** `wrangler r2 bucket create NAME`. */
  createBucket(config: string, bucket: string): Promise<void>
  /** `wrangler deploy`. */
  deploy(config: string): Promise<void>
  /** POST a signed operation to `<plcUrl>/<did>`. */
  submitPlcOperation(plcUrl: string, did: string, op: unknown): Promise<void>
}

/** One call as the recording operator saw it; secret values are never kept. */
export type RecordedCall =
  | { kind: 'secret'; config: string; name: string; length: number }
  | { kind: 'bucket'; config: string; bucket: string }
  | { kind: 'deploy'; config: string }
  | { kind: 'plc'; plcUrl: string; did: string; op: unknown }

/** Prints each call (for `--dry-run`) and keeps it (for tests) instead of making it. */
export class RecordingOperator implements Operator {
  readonly calls: RecordedCall[] = []
  constructor(private readonly print: (line: string) => void = () => {}) {}

  async putSecret(config: string, name: string, value: string): Promise<void> {
    this.calls.push({ kind: 'secret', config, name, length: value.length })
    this.print(`would run: wrangler secret put ${name} --config ${config}  (value on stdin)`)
  }
  async createBucket(config: string, bucket: string): Promise<void> {
    this.calls.push({ kind: 'bucket', config, bucket })
    this.print(`would run: wrangler r2 bucket create ${bucket} --config ${config}`)
  }
  async deploy(config: string): Promise<void> {
    this.calls.push({ kind: 'deploy', config })
    this.print(`would run: wrangler deploy --config ${config}`)
  }
  async submitPlcOperation(plcUrl: string, did: string, op: unknown): Promise<void> {
    this.calls.push({ kind: 'plc', plcUrl, did, op })
    this.print(`would POST the genesis operation of ${did} to ${plcUrl}/${did}`)
  }
}

/** Runs `wrangler` from the project's node_modules, optionally feeding `stdin`. */
function wrangler(args: string[], stdin?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['wrangler', ...args], {
      stdio: [stdin === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit'],
    })
    if (stdin !== undefined) child.stdin?.end(stdin)
    child.once('error', reject)
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`wrangler ${args[0]} ${args[1] ?? ''} exited with ${code}`)),
    )
  })
}

/** The operator that really calls Cloudflare and the PLC directory. */
export class RealOperator implements Operator {
  putSecret(config: string, name: string, value: string): Promise<void> {
    return wrangler(['secret', 'put', name, '--config', config], value)
  }
  async createBucket(config: string, bucket: string): Promise<void> {
    try {
      await wrangler(['r2', 'bucket', 'create', bucket, '--config', config])
    } catch (e) {
      // @NOTE wrangler exits non-zero when the bucket exists; a rerun of setup must go on.
      console.warn(`${(e as Error).message} (an existing bucket is fine)`)
    }
  }
  deploy(config: string): Promise<void> {
    return wrangler(['deploy', '--config', config])
  }
  async submitPlcOperation(plcUrl: string, did: string, op: unknown): Promise<void> {
    const res = await fetch(`${plcUrl.replace(/\/$/, '')}/${did}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(op),
    })
    if (!res.ok) throw new Error(`PLC directory refused the operation: ${res.status} ${await res.text()}`)
  }
}
