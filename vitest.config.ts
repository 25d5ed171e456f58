import { Secp256k1Keypair } from '@atproto/crypto'
import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { buildSync } from 'esbuild'
import { defineConfig } from 'vitest/config'
import { STAND_IN_BINDINGS } from './test/helpers/stand-in-services.ts'
import { TEST_BINDINGS } from './test/helpers/test-identity.ts'
import { isolatedWranglerConfig } from './test/helpers/test-wrangler-config.ts'

// The stand-in AppView/chat/PLC worker for the proxy tests: bundled here because miniflare
// does not bundle auxiliary workers. It verifies service JWTs against the owner's did:key.
const standInServices =
  buildSync({
    entryPoints: ['./test/fixtures/stand-in-services.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
  }).outputFiles[0]?.text ?? ''
const ownerDidKey = (await Secp256k1Keypair.import(TEST_BINDINGS.SIGNING_KEY)).did()

/** A project in the Workers pool; `settings` are added to the test identity's. */
const workerdProject = (
  name: string,
  include: string[],
  exclude: string[],
  settings: Record<string, string> = {},
) => ({
  plugins: [
    cloudflareTest({
      main: './src/worker/index.ts',
      // Not the project's own path: that would load the developer's `.dev.vars` into the tests.
      wrangler: { configPath: isolatedWranglerConfig(import.meta.dirname) },
      miniflare: {
        bindings: { ...TEST_BINDINGS, ...STAND_IN_BINDINGS, ...settings },
        // Every outbound fetch of the worker under test goes to the stand-in services.
        outboundService: 'stand-in-services',
        workers: [
          {
            name: 'stand-in-services',
            modules: true,
            script: standInServices,
            compatibilityDate: '2026-05-01',
            bindings: { OWNER_DID: TEST_BINDINGS.DID, OWNER_DID_KEY: ownerDidKey },
          },
        ],
      },
    }),
  ],
  test: {
    name,
    include,
    exclude,
    globalSetup: ['./test/helpers/expected-noise.ts'],
  },
})

/**
 * Three projects: `unit` runs the pure modules (and the in-memory storage twins) in plain
 * Node, fast; `workerd` runs actors, routes and the SQL storage in the Workers pool;
 * `workerd-backups` is that pool with scheduled snapshots on (settings are fixed per
 * pool, and the other tests want them off: a snapshot is an R2 object they would see). The
 * end-to-end suite against `wrangler dev` has its own config, vitest.e2e.config.ts.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      // Not test/reference-pds/: its node_modules (the reference PDS the migration e2e runs) ship tests.
      workerdProject(
        'workerd',
        ['test/**/*.test.ts'],
        ['**/node_modules/**', 'test/unit/**', 'test/e2e/**', 'test/backups/**', 'test/reference-pds/**'],
      ),
      workerdProject('workerd-backups', ['test/backups/**/*.test.ts'], ['**/node_modules/**'], {
        BACKUP_EVERY_HOURS: '1',
        BACKUP_KEEP: '2',
      }),
    ],
    // Log lines of passing tests (warnings the tests provoke on purpose) stay hidden.
    silent: 'passed-only',
  },
})
