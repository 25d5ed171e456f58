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

const workerdProject = {
  plugins: [
    cloudflareTest({
      main: './src/worker/index.ts',
      // Not the project's own path: that would load the developer's `.dev.vars` into the tests.
      wrangler: { configPath: isolatedWranglerConfig(import.meta.dirname) },
      miniflare: {
        bindings: { ...TEST_BINDINGS, ...STAND_IN_BINDINGS },
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
    name: 'workerd',
    include: ['test/**/*.test.ts'],
    exclude: ['test/unit/**', 'test/e2e/**'],
    globalSetup: ['./test/helpers/expected-noise.ts'],
  },
}

/**
 * Two projects: `unit` runs the pure modules (and the in-memory storage twins) in plain
 * Node, fast; `workerd` runs actors, routes and the SQL storage in the Workers pool. The
 * end-to-end suite against `wrangler dev` has its own config, vitest.e2e.config.ts.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
      workerdProject,
    ],
    // Log lines of passing tests (warnings the tests provoke on purpose) stay hidden.
    silent: 'passed-only',
  },
})
