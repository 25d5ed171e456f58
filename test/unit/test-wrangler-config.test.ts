import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { unstable_getMiniflareWorkerOptions } from 'wrangler'
import { isolatedWranglerConfig } from '../helpers/test-wrangler-config'

/** A project folder with a wrangler.toml and a developer's `.dev.vars` beside it. */
function projectWithDevVars(): string {
  const dir = mkdtempSync(join(tmpdir(), 'edge-pds-devvars-'))
  writeFileSync(
    join(dir, 'wrangler.toml'),
    'name = "x"\nmain = "src/index.ts"\ncompatibility_date = "2026-05-01"\n[vars]\nPDS_HOSTNAME = "pds.test"\n',
  )
  writeFileSync(join(dir, '.dev.vars'), 'PASSWORD=developer-secret\n')
  return dir
}

const bindingsOf = (configPath: string) =>
  (unstable_getMiniflareWorkerOptions(configPath).workerOptions.bindings ?? {}) as Record<string, unknown>

describe('the workerd pool config', () => {
  it('is a copy in a folder of its own, so wrangler loads no .dev.vars into the tests', () => {
    const dir = projectWithDevVars()
    // What the pool would see with the project's own path: the developer's secret.
    expect(bindingsOf(join(dir, 'wrangler.toml')).PASSWORD).toBe('developer-secret')
    const isolated = isolatedWranglerConfig(dir)
    expect(dirname(isolated)).not.toBe(dir)
    expect(bindingsOf(isolated)).not.toHaveProperty('PASSWORD')
    expect(bindingsOf(isolated).PDS_HOSTNAME).toBe('pds.test')
  })
})
