import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/**
 * A copy of the project's `wrangler.toml` in a fresh temp directory, with `main` made
 * absolute, for the workerd test pool. Wrangler reads `.dev.vars` from the directory of
 * the config it is given, so pointing it at this copy keeps a developer's own secrets out
 * of the test workers; the tests' settings come from `TEST_BINDINGS` alone.
 */
export function isolatedWranglerConfig(projectRoot: string): string {
  const source = readFileSync(join(projectRoot, 'wrangler.toml'), 'utf8')
  const main = /^main\s*=\s*"([^"]+)"/m.exec(source)?.[1]
  if (main === undefined) throw new Error('wrangler.toml has no main entry')
  const copy = source.replace(/^main\s*=\s*"[^"]+"/m, `main = ${JSON.stringify(resolve(projectRoot, main))}`)
  const dir = mkdtempSync(join(tmpdir(), 'edge-pds-test-config-'))
  const path = join(dir, 'wrangler.toml')
  writeFileSync(path, copy)
  return path
}
