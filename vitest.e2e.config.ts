import { defineConfig } from 'vitest/config'

// End-to-end suite: Node clients against the real PDS under `wrangler dev`, started by the
// global setup. Separate from vitest.config.ts (the workerd pool), whose `*.test.ts` pattern
// does not match these `*.e2e.ts` files.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    globalSetup: ['./test/e2e/global-setup.ts'],
    // One server, shared: files run one after another.
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
})
