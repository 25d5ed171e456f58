import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs')

/** How a run of the migrate command ended, with everything it wrote to stderr. */
export type MigrateRun = { code: number | null; signal: string | null; stderr: string[] }

/** What the test may do while the command runs: answer a prompt on stdin, or kill it. */
export type MigrateControl = { answer(line: string): void; kill(): void }

/**
 * Runs `tools/migrate/cli.ts` as `npm run migrate` does (tsx), in a process group of its own
 * (tsx runs the script in a child), secrets in `env`. `onLine` sees each stderr line.
 */
export function runMigrate(o: {
  args: string[]
  env: Record<string, string>
  onLine?: (line: string, control: MigrateControl) => void
  timeoutMs?: number
}): Promise<MigrateRun> {
  const child = spawn(process.execPath, [TSX, 'tools/migrate/cli.ts', ...o.args], {
    cwd: ROOT,
    env: { ...process.env, ...o.env },
    detached: true,
    stdio: ['pipe', 'ignore', 'pipe'],
  })
  const stderr: string[] = []
  const control: MigrateControl = {
    answer: (line) => child.stdin.write(`${line}\n`),
    kill: () => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    },
  }
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderr.push(line)
    o.onLine?.(line, control)
  })
  const timer = setTimeout(control.kill, o.timeoutMs ?? 120_000)
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stderr })
    })
  })
}
